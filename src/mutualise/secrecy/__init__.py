"""What keeps a secret ballot secret while it waits to be counted: sealing (sealing.py).

Shared by elections and meetings' secret polls; imports no app.
"""
