"""The chapters' own code: for each page, the facts its prose glues, the checks that
guard its sentences, and the tables behind its figures. One module per page, named
after it; each function takes the tables the page loads, so the page shows where its
numbers come from and the tests can call the same code. The library, `booklib`,
stays generic: nothing here belongs in it.
"""

# The date of the latest documents read: the book's one "as of" date.
LATEST_DOCUMENT = "2026-10-09"
