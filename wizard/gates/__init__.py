"""`gates`: evaluate the six gates for every candidate authority over the scanned facts.

The package imports nothing, so `wizard.gates.model` can be read without loading every check
(and the scanners they use); the evaluation is in `wizard.gates.engine`.
"""
