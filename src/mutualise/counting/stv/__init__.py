"""Single transferable vote rule sets, one module per published rule (see counting/__init__.py).

`papers.py` is the shared vectorised machinery: grouped papers, their current holder and value.
"""
