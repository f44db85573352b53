"""Data in and out: other tools' formats (Label Studio, Prodigy, CoNLL, Hugging Face).

Every export is made from a snapshot and carries its manifest (see :mod:`nblabel.io.export`).
"""

from ..ledger.bulk import ImportRefused, ImportReport
from .answers import Imported
from .conll import read_conll, to_conll
from .export import ExportedRecords, ExportedText, manifest_of
from .hf import from_hf_dataset, hf_manifest, to_hf_dataset
from .iob import iob_tags
from .label_studio import read_label_studio, to_label_studio
from .label_studio_tags import label_studio_config
from .prodigy import read_prodigy, to_prodigy
from .snapshot import Snapshot, content_hash, snapshot, write_manifest

__all__ = [
    "ExportedRecords",
    "ExportedText",
    "ImportRefused",
    "ImportReport",
    "Imported",
    "Snapshot",
    "content_hash",
    "from_hf_dataset",
    "hf_manifest",
    "iob_tags",
    "label_studio_config",
    "manifest_of",
    "read_conll",
    "read_label_studio",
    "read_prodigy",
    "snapshot",
    "to_conll",
    "to_hf_dataset",
    "to_label_studio",
    "to_prodigy",
    "write_manifest",
]
