"""What each chapter concludes from the committed results: numbers and the sentences that state them."""
