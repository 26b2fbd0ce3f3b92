# SPDX-License-Identifier: MIT
"""The examples under pybind/examples run as they are, and `make install` gives a
pytest that loads the nvme plugin in any folder."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "pybind" / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("test_"))


def run(args, cwd, env, timeout=240):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def repo_env():
    return dict(os.environ, PYTHONPATH=str(REPO / "pybind"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_script_runs(script, pciaddr, repo_env, tmp_path):
    res = run([sys.executable, str(EXAMPLES / script), pciaddr], tmp_path, repo_env)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout


def test_example_scripts_print_what_they_found(pciaddr, repo_env, tmp_path):
    out = run([sys.executable, str(EXAMPLES / "identify.py"), pciaddr], tmp_path,
              repo_env).stdout
    assert "QEMU NVMe Ctrl, serial NVT00000000" in out
    assert "namespace 2: 65536 LBAs of 4096 bytes" in out
    out = run([sys.executable, str(EXAMPLES / "write_read_verify.py"), pciaddr], tmp_path,
              repo_env).stdout
    assert "ERROR status: 07/81" in out and "error 0" in out


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """`make install-python` into a temporary root: its site directory."""
    root = tmp_path_factory.mktemp("root")
    res = run(["make", "-s", "-C", str(REPO), "install-python", f"DESTDIR={root}",
               "PREFIX=/usr"], REPO, dict(os.environ))
    assert res.returncode == 0, res.stderr
    site = root / "usr" / "lib" / "python3" / "dist-packages"
    assert (site / "nvme" / "pytest_plugin.py").exists()
    return site


def installed_pytest(site, cwd, *args):
    env = dict(os.environ, PYTHONPATH=str(site), NVT_LIB=str(REPO / "build" / "lib"))
    env.pop("PYTEST_ADDOPTS", None)
    return run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd,
               env)


def test_installed_plugin_runs_a_pynvme_test_file_in_another_folder(installed, pciaddr,
                                                                    tmp_path):
    (tmp_path / "test_mine.py").write_text((EXAMPLES / "test_pynvme_style.py").read_text())
    res = installed_pytest(installed, tmp_path, f"--pciaddr={pciaddr}", "test_mine.py")
    assert res.returncode == 0 and "4 passed" in res.stdout, res.stdout + res.stderr


def test_installed_plugin_finds_the_first_controller_without_pciaddr(installed, tmp_path):
    (tmp_path / "test_addr.py").write_text(
        "def test_addr(pciaddr, nvme0):\n"
        "    print('ADDR', pciaddr, nvme0.addr)\n"
        "    assert nvme0.id_data(1, 0) == 0x1b36\n")
    res = installed_pytest(installed, tmp_path, "-s", "test_addr.py")
    assert res.returncode == 0 and "1 passed" in res.stdout, res.stdout + res.stderr
    assert "ADDR 0000:0" in res.stdout


def test_installed_plugin_is_the_nvmetest_entry_point(installed, tmp_path):
    (tmp_path / "test_fixture.py").write_text("def test_f(nvme0):\n    pass\n")
    res = installed_pytest(installed, tmp_path, "-p", "no:nvmetest", "test_fixture.py")
    assert res.returncode != 0 and "fixture 'nvme0' not found" in res.stdout


def test_seed_is_logged_and_can_be_chosen(installed, pciaddr, tmp_path):
    (tmp_path / "test_seed.py").write_text(
        "import random\n"
        "def test_seed(request):\n"
        "    assert dict(request.node.user_properties)['seed'] == 0x1234\n"
        "    print('RANDOM', random.random())\n")
    outs = []
    for _ in range(2):
        res = installed_pytest(installed, tmp_path, "-s", "--nvme-seed=0x1234",
                               "--log-cli-level=INFO", "test_seed.py")
        assert res.returncode == 0, res.stdout + res.stderr
        assert "random seed of test_seed.py::test_seed: 0x1234" in res.stdout
        outs.append([ln for ln in res.stdout.splitlines() if "RANDOM" in ln])
    assert outs[0] == outs[1]


def test_readme_pynvme_example_runs_with_the_installed_plugin(installed, pciaddr, tmp_path):
    text = (REPO / "README.md").read_text()
    section = text[text.index("## pynvme scripts"):]
    code = section[section.index("```python\n") + 10:]
    (tmp_path / "my_test.py").write_text(code[:code.index("```")])
    res = installed_pytest(installed, tmp_path, f"--pciaddr={pciaddr}", "my_test.py")
    assert res.returncode == 0 and "2 passed" in res.stdout, res.stdout + res.stderr
