"""Refresh the book's official series from their publishers' files (`make refresh`, `make refresh-apply`).

What belongs here: the feeds (feeds.yml: endpoint, key variable, table, the rows each owns by
source_id), fetching and keeping raw snapshots, the parsers of the official files, staging and
diffing the tables, running the chapters' guards on staged data, and applying a reviewed refresh.

What it may import: the reader-side library (`booklib.data`, `booklib.paths`) and the
bibliography generator (`booklib.build.bib`), plus third-party packages. Nothing in `booklib` or
`bookchapters` may import this package: the book builds and reads without it; it runs the
chapters' code only in a separate process, as the build does.
"""
