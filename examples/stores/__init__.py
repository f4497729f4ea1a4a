"""``zn5.samples``: the sample stores ``zn5 inspect`` reads, as package data (see make_samples.py)."""
