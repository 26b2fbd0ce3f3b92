# SPDX-License-Identifier: MIT
"""The examples under pybind/examples run as they are, and `make install` gives a
pytest that loads the nvme plugin in any folder (one pytest run covers the example
test file, the README's example, the default --pciaddr and the seed)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "pybind" / "examples"

EXPECTED = {
    "identify.py": ["QEMU NVMe Ctrl, serial NVT00000000", "namespace 2: 65536 LBAs of 4096 bytes"],
    "write_read_verify.py": ["after a raw write to LBA 3: ERROR status: 07/81", "error 0"],
}

ADDR_AND_SEED_TEST = """
import random

def test_addr(pciaddr, nvme0):
    print('ADDR', pciaddr, nvme0.addr)
    assert nvme0.id_data(1, 0) == 0x1b36

def test_seed(request):
    assert dict(request.node.user_properties)['seed'] == 0x1234
    print('RANDOM', random.random())
"""


def run(args, cwd, env, timeout=300):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_every_example_script_is_checked():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")
                  if not p.name.startswith("test_")) == sorted(EXPECTED)


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_script_runs_and_prints_what_it_found(script, pciaddr, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO / "pybind"))
    res = run([sys.executable, str(EXAMPLES / script), pciaddr], tmp_path, env)
    assert res.returncode == 0, res.stdout + res.stderr
    for text in EXPECTED[script]:
        assert text in res.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """`make install-python` into a temporary root: its site directory."""
    root = tmp_path_factory.mktemp("root")
    # O: an empty build directory, so make does not read the build's dependency files
    res = run(["make", "-s", "-C", str(REPO), "install-python", f"DESTDIR={root}",
               "PREFIX=/usr", f"O={root}/build"], REPO, dict(os.environ))
    assert res.returncode == 0, res.stderr
    site = root / "usr" / "lib" / "python3" / "dist-packages"
    assert (site / "nvme" / "pytest_plugin.py").exists()
    return site


def installed_pytest(site, cwd, *args):
    env = dict(os.environ, PYTHONPATH=str(site), NVT_LIB=str(REPO / "build" / "lib"))
    env.pop("PYTEST_ADDOPTS", None)
    return run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *args],
               cwd, env)


def readme_example():
    text = (REPO / "README.md").read_text()
    section = text[text.index("## pynvme scripts"):]
    code = section[section.index("```python\n") + 10:]
    return code[:code.index("```")]


def test_installed_plugin_runs_pynvme_test_files_in_another_folder(installed, tmp_path):
    (tmp_path / "test_example.py").write_text((EXAMPLES / "test_pynvme_style.py").read_text())
    (tmp_path / "my_test.py").write_text(readme_example())
    (tmp_path / "test_addr_seed.py").write_text(ADDR_AND_SEED_TEST)
    res = installed_pytest(installed, tmp_path, "--nvme-seed=0x1234", "--log-cli-level=INFO",
                           "test_example.py", "my_test.py", "test_addr_seed.py")
    out = res.stdout
    assert res.returncode == 0 and "8 passed" in out, out + res.stderr
    assert "ADDR 0000:0" in out                 # no --pciaddr: the first bound controller
    assert "random seed of test_addr_seed.py::test_seed: 0x1234" in out
    again = installed_pytest(installed, tmp_path, "-p", "no:nvmetest", "test_addr_seed.py")
    assert "fixture 'pciaddr' not found" in again.stdout     # the entry point's name
    again = installed_pytest(installed, tmp_path, "--nvme-seed=0x1234",
                             "test_addr_seed.py::test_seed")
    assert again.returncode == 0

    def randoms(text):
        return [ln for ln in text.splitlines() if ln.lstrip(".").startswith("RANDOM")]
    assert randoms(out) and randoms(out) == randoms(again.stdout)
