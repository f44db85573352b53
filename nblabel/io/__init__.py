"""Data in and out: other tools' formats (Label Studio, Prodigy, CoNLL, Hugging Face)."""
