"""The book's four models: the effective tariff (`tariff_model`), the investment memorandum's
cash split (`mou_waterfall`), the cost of a rare-earth cut-off (`rare_earth_scenarios`) and
Japan's partners compared (`partner_trade`).

A model is plain computation on tables or numbers, tested on its own. It may import the
reader-side library (`booklib.data`, `booklib.formats`, ...) and pandas, never `booklib.build`,
Sphinx or docutils: a reader re-running a chapter needs the models, not the build.
"""
