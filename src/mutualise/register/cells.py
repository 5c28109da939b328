"""A value made safe for a spreadsheet cell: text that would start a formula (=, +, -, @, a tab
or a return) is quoted. Below the exports and the import's reports, which both write cells."""

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(DANGEROUS_FIRST):
        return "'" + text
    return text
