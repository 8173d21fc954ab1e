"""What every process that parses an import's cards needs, loaded once.

Imported by the fork server that parallel_read starts (where the platform has one): it loads
the modules, the collation table and the phone metadata once, and each worker it forks starts
with them, instead of each spawned worker loading them again (about 0.2 s of CPU a worker)."""

from model import collation, importer, normalise, parallel_read  # noqa: F401 - loaded for the workers

collation.warm_up()
normalise.phone("+1 202 555 0143")  # the number metadata that parsing a phone loads
