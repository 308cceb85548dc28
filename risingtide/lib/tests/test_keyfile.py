"""The kept secret: made once, the same for every process that starts at the same moment."""

import multiprocessing

from risingtide.lib.keyfile import kept_secret


def _read_at_once(path, barrier, out):
    barrier.wait()
    out.put(kept_secret(path))


def test_made_once_and_kept(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = kept_secret(path)
    assert len(first) > 50 and kept_secret(path) == first
    assert oct(path.stat().st_mode)[-3:] == "600"
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # nothing left aside


def test_processes_starting_together_all_get_the_one_key(tmp_path):
    # Two test runs in one checkout, or a server's workers, each finding no key at once: the
    # key used to be read while another process had only just created its (empty) file.
    context = multiprocessing.get_context("fork")
    for attempt in range(5):
        path = tmp_path / str(attempt) / "secret_key"
        barrier, out = context.Barrier(8), context.Queue()
        workers = [
            context.Process(target=_read_at_once, args=(path, barrier, out)) for _ in range(8)
        ]
        for worker in workers:
            worker.start()
        keys = [out.get(timeout=30) for _ in workers]
        for worker in workers:
            worker.join(30)
        assert len(set(keys)) == 1 and len(keys[0]) > 50, keys
        assert path.read_text() == keys[0]
