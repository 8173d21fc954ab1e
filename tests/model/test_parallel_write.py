"""A big export is written by several processes: the same file, byte for byte, as one process
writes, whoever made each run; and a worker that cannot start or read loses nothing."""

import time

import pytest

from model import contacts, importer, parallel_write, vcard
from model.faults import NotebookError
from tests.conftest import CORPUS


@pytest.fixture
def big_notebook(sample_notebook):
    """The 40 sample people (prep, places, who introduced whom) and every corpus card (photos,
    kept properties of every version)."""
    importer.import_files(sorted((CORPUS / "vcards").glob("*.vcf")))
    assert contacts.count_contacts() > 90
    return sample_notebook


@pytest.fixture
def small_runs(monkeypatch):
    monkeypatch.setattr(parallel_write, "RUN_PEOPLE", 5)
    monkeypatch.setattr(parallel_write, "PARALLEL_FROM", 0)


def one_process(path, version, ids=None):
    vcard.export_file(contacts.iter_contacts(ids), path, version)
    return path.read_bytes()


made_here: list[list[int]] = []


def slowly_here(run, version, pause=0.2):
    """cards_of in this process, slowly, so that a worker, once started, makes runs too."""
    made_here.append(run)
    time.sleep(pause)
    return _cards_of(run, version)


_cards_of = parallel_write.cards_of


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_the_file_is_the_one_a_single_process_writes(big_notebook, small_runs, tmp_path, monkeypatch, version):
    made_here.clear()
    monkeypatch.setattr(parallel_write, "cards_of", slowly_here)
    out = tmp_path / "everyone.vcf"
    written = parallel_write.export_vcards(out, version, processes=2)
    assert written == contacts.count_contacts()
    assert out.read_bytes() == one_process(tmp_path / "one.vcf", version)
    runs = -(-written // parallel_write.RUN_PEOPLE)
    assert 0 < len(made_here) < runs  # this process and the worker both made runs
    assert sorted(i for run in made_here for i in run) != sorted(contacts.ids_in_name_order())


def test_chosen_people_are_written_in_the_order_given(big_notebook, small_runs, tmp_path):
    chosen = contacts.ids_in_name_order()[::-3]
    out = tmp_path / "chosen.vcf"
    assert parallel_write.export_vcards(out, "3.0", chosen, processes=2) == len(chosen)
    assert out.read_bytes() == one_process(tmp_path / "one.vcf", "3.0", chosen)
    names = [card.record.display_name for card in vcard.read_cards(out)]
    assert names == [record.display_name for record in contacts.get_contacts(chosen)]


def refuse_to_start(_parent):
    raise RuntimeError("this worker cannot start")


def test_runs_no_worker_could_make_are_made_here(big_notebook, small_runs, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel_write.parallel_read, "die_with_parent", refuse_to_start)
    out = tmp_path / "everyone.vcf"
    assert parallel_write.export_vcards(out, "4.0", processes=3) == contacts.count_contacts()
    assert out.read_bytes() == one_process(tmp_path / "one.vcf", "4.0")


def test_a_worker_that_cannot_read_the_notebook_leaves_the_old_file(big_notebook, small_runs, tmp_path,
                                                                     monkeypatch):
    """The workers open the notebook by its path; here it names a file that is not a notebook."""
    not_a_notebook = tmp_path / "not-a-notebook.rapport"
    not_a_notebook.write_bytes(b"this is not SQLite " * 400)
    monkeypatch.setattr(parallel_write.storage, "current_path", lambda: not_a_notebook)
    monkeypatch.setattr(parallel_write, "cards_of", lambda run, version: slowly_here(run, version, 0.5))
    out = tmp_path / "everyone.vcf"
    out.write_text("the last export\n")
    with pytest.raises(NotebookError):
        parallel_write.export_vcards(out, "3.0", processes=2)
    assert out.read_text() == "the last export\n"
    assert list(tmp_path.glob("everyone.vcf*")) == [out]


def _only_in_workers(*_arguments):
    raise AssertionError("no worker should have been started")


def test_small_exports_and_one_core_are_written_here(big_notebook, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel_write, "_write_runs", _only_in_workers)
    assert parallel_write.export_vcards(tmp_path / "a.vcf", "3.0") == contacts.count_contacts()  # under 5,000
    monkeypatch.setattr(parallel_write, "PARALLEL_FROM", 0)
    assert parallel_write.export_vcards(tmp_path / "b.vcf", "3.0", processes=1) == contacts.count_contacts()
    assert (tmp_path / "a.vcf").read_bytes() == (tmp_path / "b.vcf").read_bytes()
    with pytest.raises(ValueError, match="2.1"):
        parallel_write.export_vcards(tmp_path / "c.vcf", "2.1")
