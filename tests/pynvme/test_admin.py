# SPDX-License-Identifier: MIT
"""Admin commands through the nvme module: identify, features, log pages, generic
commands and their error warnings, callbacks, registers and config space."""
import warnings

import pytest

import nvme as d


def test_identify_fills_the_buffer_and_matches_id_data(nvme0, buf):
    nvme0.identify(buf).waitdone()
    assert buf.data(1, 0) == 0x1b36 == nvme0.id_data(1, 0)
    assert buf.data(23, 4, str) == "NVT00000000" == nvme0.id_data(23, 4, str)
    assert nvme0.id_data(63, 24, str) == "QEMU NVMe Ctrl"
    assert nvme0.id_data(77) == 5                    # MDTS as QEMU was given it
    assert nvme0.mdts == 128 * 1024


def test_identify_namespace_through_id_data_and_the_namespace(nvme0, nvme0n1, buf):
    assert nvme0.id_data(7, 0, nsid=1, cns=0) == 2097152 == nvme0n1.id_data(7, 0)
    nvme0.identify(buf, nsid=1, cns=0).waitdone()
    assert buf.data(7, 0) == 2097152
    assert nvme0n1.nsid == 1
    assert nvme0n1.capacity == 2097152 * 512


def test_get_features_returns_cdw0_and_calls_back_both_ways(nvme0):
    seen = []
    cdw0 = nvme0.getfeatures(7, cb=lambda cdw0, status1: seen.append((cdw0, status1))).waitdone()
    assert cdw0 == 0x000f000f                      # 16 IO queues granted, zero-based
    assert seen == [(cdw0, seen[0][1])] and seen[0][1] >> 1 == 0   # status 0, phase bit
    cqes = []
    nvme0.getfeatures(7, cb=lambda cqe: cqes.append(cqe)).waitdone()
    assert cqes[0][0] == cdw0 and len(cqes[0]) == 4
    assert cqes[0][3] & 0xffff == nvme0.latest_cid


def test_set_features_then_get_features_reads_it_back(nvme0):
    original = nvme0.getfeatures(0x4).waitdone() & 0xffff    # temperature threshold
    nvme0.setfeatures(0x4, cdw11=350).waitdone()
    assert nvme0.getfeatures(0x4).waitdone() & 0xffff == 350
    assert nvme0.getfeatures(0x4, sel=1).waitdone() & 0xffff == original  # the default
    nvme0.setfeatures(0x4, cdw11=original).waitdone()


def test_unchangeable_feature_warns_with_its_status(nvme0):
    with pytest.warns(UserWarning, match="ERROR status: 01/0e"):   # not changeable
        nvme0.setfeatures(0x1, cdw11=1).waitdone()


def test_log_pages_smart_and_firmware_slot(nvme0, buf):
    buf[:] = b"\xaa" * 512
    nvme0.getlogpage(0x02, buf, 512).waitdone()
    assert buf.data(2, 1) > 273                   # composite temperature in Kelvin
    nvme0.getlogpage(0x03, buf, 512).waitdone()
    assert buf.data(0) & 0x7 == 1 and buf.data(15, 8, str)   # active slot 1, its revision


def test_log_page_size_defaults_to_the_buffer(nvme0):
    smart = d.Buffer(512)
    smart[:] = b"\xff" * 512
    nvme0.getlogpage(0x02, smart).waitdone()
    assert smart.data(511, 232) == 0              # reserved bytes came from the device


def test_unknown_log_page_warns_invalid_field(nvme0, buf):
    with pytest.warns(UserWarning, match="ERROR status: 00/02"):
        nvme0.getlogpage(0x70, buf, 512).waitdone()


def test_generic_admin_command_with_an_invalid_opcode_warns(nvme0):
    with pytest.warns(UserWarning, match="ERROR status: 00/01"):
        nvme0.send_cmd(0xff).waitdone()
    with pytest.warns(UserWarning, match="ERROR status: 00/01"):
        nvme0.send_cmd(0xc1, nsid=1, cdw10=1, cdw15=2).waitdone()
    assert nvme0.cmdlog(1)[0].opcode == 0xc1


def test_generic_identify_through_send_cmd(nvme0, buf):
    buf[0:4] = b"\0\0\0\0"
    nvme0.send_cmd(0x06, buf, nsid=0, cdw10=1).waitdone()
    assert buf.data(1, 0) == 0x1b36


def test_unsupported_admin_commands_warn_as_in_pynvme(nvme0, buf):
    for send in (lambda: nvme0.sanitize(), lambda: nvme0.dst(1),
                 lambda: nvme0.fw_commit(1, 1), lambda: nvme0.fw_download(buf, 0),
                 lambda: nvme0.security_receive(buf, 1),
                 lambda: nvme0.mi_receive(0, buf=buf)):
        with pytest.warns(UserWarning, match="ERROR status: 00/01"):
            send().waitdone()


def test_downfw_warns_where_the_device_has_no_firmware_download(nvme0, tmp_path):
    image = tmp_path / "fw.bin"
    image.write_bytes(bytes(8192))
    with pytest.warns(UserWarning, match="ERROR status: 00/01"):
        nvme0.downfw(str(image))


def test_several_commands_then_one_waitdone(nvme0, buf):
    nvme0.getfeatures(7).getfeatures(4).identify(buf).waitdone(3)
    assert buf.data(1, 0) == 0x1b36


def test_callback_chain_counts_the_commands_it_sends(nvme0):
    got = []

    def second(cdw0, status1):
        got.append(cdw0)

    def first(cdw0, status1):
        got.append(cdw0)
        nvme0.getfeatures(4, cb=second)

    nvme0.getfeatures(7, cb=first).waitdone(2)
    assert got[0] == 0x000f000f and got[1] & 0xffff > 0


def test_assert_in_a_callback_becomes_a_warning(nvme0):
    def check(cdw0, status1):
        assert cdw0 == 1, "cdw0 is not 1"

    with pytest.warns(UserWarning, match="ASSERT: cdw0 is not 1"):
        nvme0.getfeatures(7, cb=check).waitdone()


def test_callback_with_three_arguments_is_refused(nvme0):
    with pytest.raises(TypeError, match="callback"):
        nvme0.getfeatures(7, cb=lambda a, b, c: None)


def test_waitdone_inside_a_callback_is_refused(nvme0):
    errors = []

    def cb(cdw0, status1):
        try:
            nvme0.waitdone()
        except OSError as e:
            errors.append(e)

    nvme0.getfeatures(7, cb=cb).waitdone()
    assert errors and "callback" in str(errors[0])


def test_abort_of_a_finished_command_completes(nvme0):
    nvme0.getfeatures(7).waitdone()
    cdw0 = nvme0.abort(nvme0.latest_cid).waitdone()
    assert cdw0 & 1 == 1                          # QEMU: not aborted


def test_supports_and_cmdname(nvme0, nvme0n1):
    assert nvme0.supports(0x06) and nvme0.supports(0x80)
    assert not nvme0.supports(0x10)               # no firmware commit in QEMU
    assert nvme0n1.supports(0x02) and nvme0n1.supports(0x01)
    assert nvme0.cmdname(0x06) == "Identify"
    assert nvme0n1.cmdname(0x02) == "Read"


def test_registers_by_index(nvme0):
    assert nvme0[0x08] == 0x10400                 # VS 1.4
    assert nvme0[0x1c] & 1 == 1                   # CSTS.RDY
    assert nvme0[0x0] == nvme0.cap & 0xffffffff
    assert nvme0[0x14] & 1 == 1                   # CC.EN
    with pytest.raises(ValueError, match="aligned"):
        nvme0[0x2]


def test_controller_properties(nvme0, pciaddr):
    assert nvme0.addr.endswith(pciaddr[-7:])
    assert nvme0.pcie.addr == nvme0.addr
    assert nvme0.timeout == 10000
    nvme0.timeout = 20000
    assert nvme0.timeout == 20000
    nvme0.getfeatures(7).waitdone()
    assert nvme0.latest_latency > 0
    assert nvme0.cmdlog(2)[-1].opcode == 0x0a


def test_pcie_config_space(pcie):
    assert pcie.register(0, 2) == 0x1b36 and pcie.register(2, 2) == 0x0010
    assert pcie[0:2] == [0x36, 0x1b]
    assert pcie.register(9, 3) == 0x010802         # class code, byte by byte
    assert pcie.register(0, 8) == pcie.register(0, 4) | pcie.register(4, 4) << 32
    msix = pcie.cap_offset(0x11)
    assert msix and pcie[msix] == 0x11
    assert pcie.cap_offset(0x09) is None
    pm = pcie.cap_offset(0x01)
    assert pcie.register(pm + 4, 2) & 3 == 0       # D0


def test_older_controller_from_an_address(pciaddr):
    nvme0 = d.Controller(pciaddr[5:].encode())     # b'01:00.0', as pynvme 1.x
    try:
        assert nvme0.id_data(23, 4, str) == "NVT00000000"
        assert nvme0.pcie.register(0, 2) == 0x1b36
    finally:
        nvme0.close()


def test_no_warning_for_successful_commands(nvme0, buf):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nvme0.identify(buf).getfeatures(7).waitdone(2)
