"""`scan`: detect the release facts of a repository, each with evidence.

The package imports nothing, so one scanner module can be used without loading them all; the
whole scan is `wizard.scan.repository.scan_repository`.
"""
