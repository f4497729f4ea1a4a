"""The Python kit, ``zn5_adapter_kit.py``: copy that one file; it needs only the standard library."""
