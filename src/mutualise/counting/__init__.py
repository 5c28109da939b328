"""The vote counter: ballots in, a result and a full stage-by-stage report out. Pure Python and
NumPy; it imports no Django, no app and not `mutualise.constitution`.

- `ballots.Profile`: grouped ballots in NumPy arrays; `ballots.from_lists` builds one.
- `blt.read_blt` / `write_blt`, `blt.read_cvr_csv` / `write_cvr_csv`: file formats.
- `result.CountResult`: what every method returns; `report` renders it (text, JSON, HTML).
- `methods.METHODS`: slug -> count function; `methods.get_method(slug)`, `methods.describe(slug)`
  (an `info.MethodInfo`: name, one line, ballot kind, parameters).

Using it (e.g. from the elections app):

    from mutualise.counting import ballots, methods, report
    profile = ballots.from_lists(names, [(weight, [0, 2, 1]), ...], seats=3)
    result = methods.get_method("scottish-stv")(profile, seed=published_seed)
    report.to_dict(result)   # the stable JSON shape; report.to_text / report.to_html

Errors: `ballots.BallotError` (bad ballot data, with source and line) and `result.CountError`
(a profile the rule cannot count); both are `ValueError`s with a message fit for a user.

Adding a method: write one module in `counting/` or `counting/stv/` exposing

    NAME = "meek-stv"                 # the slug users pass to --method
    ALIASES = ("meek",)               # optional other slugs
    INFO = info.MethodInfo(name="Meek STV", summary="...", ballot=info.BallotKind.RANKED,
                           parameters=(info.Parameter("name", "what it does", "default"), ...))
    def count(profile, seats=None, *, seed=None, tie_breaker=None, **options) -> CountResult

`seats=None` means `profile.seats`. Raise `result.CountError` for a profile the rule cannot
count and for unknown options. Break ties with a `ties.TieBreaker` (the one passed in, else
`TieBreaker(seed)`): its `look_back` and `lot` record every decision and the seed, and passing
it through is what makes `--all-ties` list every outcome. Keep rule arithmetic exact: integer
fixed point in the rule's own unit (see `stv/papers.py`) or `fractions.Fraction`.

The index (`methods.INDEX`, `methods.describe(slug)`) finds the module by itself; apps ask it
for the method's name, ballot kind and parameters instead of guessing from the slug.
"""
