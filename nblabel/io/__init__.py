"""Data in and out: other tools' formats (Label Studio, Prodigy, CoNLL, Hugging Face)."""

from ..ledger.bulk import ImportRefused, ImportReport
from .answers import Imported
from .conll import read_conll, to_conll
from .hf import from_hf_dataset, hf_manifest, to_hf_dataset
from .iob import iob_tags
from .label_studio import read_label_studio, to_label_studio
from .label_studio_tags import label_studio_config
from .prodigy import read_prodigy, to_prodigy
from .snapshot import Snapshot, content_hash, snapshot, write_manifest

__all__ = [
    "ImportRefused",
    "ImportReport",
    "Imported",
    "Snapshot",
    "content_hash",
    "from_hf_dataset",
    "hf_manifest",
    "iob_tags",
    "label_studio_config",
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
