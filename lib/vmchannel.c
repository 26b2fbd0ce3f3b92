// SPDX-License-Identifier: MIT
/*
 * The test VM's control channel (vmchannel.h): QMP (QEMU's JSON monitor
 * protocol, docs/interop/qmp-spec in QEMU) over a virtio-serial port.
 *
 * The session on the host side outlives every process that opens the port,
 * so each call starts by sending qmp_capabilities with a fresh id and skips
 * everything up to its answer: the greeting, events and answers meant for
 * an earlier process. The answer is "return" the first time and a
 * CommandNotFound error after that; either means the monitor is ready.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

#define SYSFS_PCI_DEVICES	"/sys/bus/pci/devices/"
#define LINE_MAX_LEN		8192	/* QMP answers and events we read are short */
#define ID_MAX_LEN		64
#define ARGS_MAX_LEN		1024
#define POLL_STEP_MS		100	/* how often the PCI bus is looked at */
#define BUSY_RETRY_MS		50
#define UNPLUG_RETRY_MS		10000	/* act again after this long */

/* One line of the controller table. */
struct vm_ctrl {
	char bdf[NVT_BDF_LEN];
	char id[ID_MAX_LEN];
	char args[ARGS_MAX_LEN];	/* device_add arguments, a JSON object */
};

struct qmp {
	int fd;
	int64_t deadline;		/* CLOCK_MONOTONIC ms */
	unsigned int seq;
	const char *watch_id;		/* note a DEVICE_DELETED event of this device */
	bool deleted;
	size_t len;			/* bytes in buf */
	char buf[LINE_MAX_LEN];		/* what the port gave, not yet a whole line */
	char line[LINE_MAX_LEN];	/* the last line read_line() returned */
};

/* One call at a time per process: the port has one reader. */
static pthread_mutex_t channel_lock = PTHREAD_MUTEX_INITIALIZER;

/* The device node of the port: /dev/<vportNpM>, found by its name in sysfs. */
static int find_port(char *path, size_t len)
{
	char name[128], *save;
	glob_t g;
	size_t i;
	int ret = -ENOTCONN;

	if (glob("/sys/class/virtio-ports/*/name", 0, NULL, &g))
		return ret;
	for (i = 0; i < g.gl_pathc && ret; i++) {
		FILE *f = fopen(g.gl_pathv[i], "re");
		bool match;

		if (!f)
			continue;
		match = fgets(name, sizeof(name), f) &&
			!strcmp(strtok_r(name, "\n", &save) ?: "", NVT_VM_PORT_NAME);
		fclose(f);
		if (!match)
			continue;
		*strrchr(g.gl_pathv[i], '/') = '\0';	/* .../vportNpM/name -> .../vportNpM */
		snprintf(path, len, "/dev/%s", strrchr(g.gl_pathv[i], '/') + 1);
		ret = 0;
	}
	globfree(&g);
	return ret;
}

int nvt_vm_channel_available(void)
{
	char path[PATH_MAX];

	return !find_port(path, sizeof(path)) && !access(NVT_VM_CONTROLLERS, R_OK);
}

/* Parse "<bdf> <id> <json>" of the table into @c. */
static bool parse_line(char *line, struct vm_ctrl *c)
{
	char *save, *bdf = strtok_r(line, " \n", &save), *id = strtok_r(NULL, " \n", &save);
	char *args = strtok_r(NULL, "\n", &save);

	return bdf && id && args && *args == '{' && strlen(id) < sizeof(c->id) &&
	       strlen(args) < sizeof(c->args) &&
	       !nvt_pcie_parse_bdf(bdf, c->bdf, sizeof(c->bdf)) &&
	       (strcpy(c->id, id), strcpy(c->args, args), true);
}

/* Find the controller at @name (a PCI address) in the table. */
static int lookup(const char *fn, const char *name, struct vm_ctrl *out)
{
	char bdf[NVT_BDF_LEN], line[ARGS_MAX_LEN + 128];
	struct vm_ctrl c;
	int ret = -ENOENT;
	FILE *f;

	if (!name || nvt_pcie_parse_bdf(name, bdf, sizeof(bdf))) {
		nvt__err("%s: '%s' is not a PCI address (dddd:bb:dd.f or bb:dd.f)", fn,
			 name ? name : "(null)");
		return -EINVAL;
	}
	if (!nvt_vm_channel_available()) {
		nvt__err("%s: no VM control channel (a virtio-serial port named %s and %s): this runs only in the test VM",
			 fn, NVT_VM_PORT_NAME, NVT_VM_CONTROLLERS);
		return -ENOTCONN;
	}
	f = fopen(NVT_VM_CONTROLLERS, "re");
	if (!f) {
		ret = -errno;
		nvt__err("%s: cannot read %s: %s", fn, NVT_VM_CONTROLLERS, strerror(-ret));
		return ret;
	}
	while (ret && fgets(line, sizeof(line), f))
		if (parse_line(line, &c) && !strcmp(c.bdf, bdf)) {
			*out = c;
			ret = 0;
		}
	fclose(f);
	if (ret)
		nvt__err("%s: %s is not a controller the VM can power (see %s)", fn, bdf,
			 NVT_VM_CONTROLLERS);
	return ret;
}

static bool on_bus(const char *bdf)
{
	char path[sizeof(SYSFS_PCI_DEVICES) + NVT_BDF_LEN];

	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "%s", bdf);
	return !access(path, F_OK);
}

/*
 * The string value of "@key": in the JSON text @line, into @out. Good enough
 * for QMP's own output, which never has @key inside a string value we read.
 */
static bool json_str(const char *line, const char *key, char *out, size_t len)
{
	char pat[32];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(line, pat);
	if (!p)
		return false;
	p += strlen(pat);
	p += strspn(p, " ");
	if (*p++ != ':')
		return false;
	p += strspn(p, " ");
	if (*p++ != '"')
		return false;
	for (; *p && *p != '"' && n + 1 < len; p++) {
		if (*p == '\\' && p[1])
			p++;
		out[n++] = *p;
	}
	out[n] = '\0';
	return *p == '"';
}

/*
 * Read one line into q->line (without its newline), waiting at most
 * @wait_ms. Return: its length + 1, 0 if none came in time, or -errno.
 */
static int read_line(struct qmp *q, int wait_ms)
{
	struct pollfd p = { .fd = q->fd, .events = POLLIN };
	char *nl;
	ssize_t n;
	int r;

	for (;;) {
		nl = memchr(q->buf, '\n', q->len);
		if (nl) {
			size_t l = (size_t)(nl - q->buf);

			memcpy(q->line, q->buf, l);
			q->line[l] = '\0';
			q->len -= l + 1;
			memmove(q->buf, nl + 1, q->len);
			return (int)l + 1;
		}
		if (q->len == sizeof(q->buf))	/* too long for us: drop it */
			q->len = 0;
		r = poll(&p, 1, wait_ms);

		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			return 0;
		n = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (n > 0)
			q->len += (size_t)n;
		wait_ms = 0;
	}
}

/* Note events the caller waits for. */
static void see(struct qmp *q, const char *line)
{
	char v[ID_MAX_LEN];

	if (q->watch_id && json_str(line, "event", v, sizeof(v)) &&
	    !strcmp(v, "DEVICE_DELETED") && json_str(line, "device", v, sizeof(v)) &&
	    !strcmp(v, q->watch_id))
		q->deleted = true;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Run @cmd with @args (a JSON object, or NULL) and wait for its answer.
 * @quiet_error: the QMP error class that is not a failure, or NULL.
 * Return: 0, 1 (the @quiet_error class, not logged), -EIO (QEMU's error,
 * logged), -ETIMEDOUT or -errno.
 */
static int qmp_exec(const char *fn, struct qmp *q, const char *cmd, const char *args,
		    const char *quiet_error)
{
	char req[ARGS_MAX_LEN + 256], id[ID_MAX_LEN], v[512];
	const char *line = q->line;
	int n, ret;

	snprintf(id, sizeof(id), "nvt-%d-%u", (int)getpid(), ++q->seq);
	n = snprintf(req, sizeof(req), "{\"execute\": \"%s\"%s%s, \"id\": \"%s\"}\n", cmd,
		     args ? ", \"arguments\": " : "", args ? args : "", id);
	ret = write_all(q->fd, req, (size_t)n);
	if (ret) {
		nvt__err("%s: writing to the VM control channel: %s", fn, strerror(-ret));
		return ret;
	}
	for (;;) {
		int64_t left = q->deadline - nvt__now_ms();

		if (left <= 0) {
			nvt__err("%s: QEMU did not answer %s in time", fn, cmd);
			return -ETIMEDOUT;
		}
		ret = read_line(q, (int)left);
		if (ret < 0) {
			nvt__err("%s: reading the VM control channel: %s", fn, strerror(-ret));
			return ret;
		}
		if (!ret)
			continue;
		see(q, line);
		if (!json_str(line, "id", v, sizeof(v)) || strcmp(v, id))
			continue;
		if (!strstr(line, "\"error\""))
			return 0;
		if (quiet_error && json_str(line, "class", v, sizeof(v)) &&
		    !strcmp(v, quiet_error))
			return 1;
		nvt__err("%s: QEMU refused %s: %s", fn, cmd,
			 json_str(line, "desc", v, sizeof(v)) ? v : line);
		return -EIO;
	}
}

/* Open the port (waiting while another process has it) and get QMP ready. */
static int qmp_open(const char *fn, struct qmp *q)
{
	char path[PATH_MAX];
	int ret;

	ret = find_port(path, sizeof(path));
	if (ret) {
		nvt__err("%s: the virtio-serial port %s is gone", fn, NVT_VM_PORT_NAME);
		return ret;
	}
	/* virtio_console allows one open file per port. */
	while ((q->fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
		ret = -errno;
		if (ret != -EBUSY || nvt__now_ms() + BUSY_RETRY_MS > q->deadline) {
			nvt__err("%s: cannot open %s: %s", fn, path, strerror(-ret));
			return ret;
		}
		usleep(BUSY_RETRY_MS * 1000);
	}
	ret = qmp_exec(fn, q, "qmp_capabilities", NULL, "CommandNotFound");
	if (ret < 0) {
		close(q->fd);
		return ret;
	}
	return 0;
}

/*
 * Wait until @bdf is (@present) or is not on the guest's PCI bus, and for
 * q->deleted, until @until (ms, at most q->deadline, which alone is logged).
 */
static int wait_bus(const char *fn, struct qmp *q, const char *bdf, bool present, int64_t until)
{
	int ret;

	while (on_bus(bdf) != present || (q->watch_id && !q->deleted)) {
		if (nvt__now_ms() >= until) {
			if (until < q->deadline)
				return -ETIMEDOUT;
			nvt__err("%s: %s did not %s the PCI bus within %d s", fn, bdf,
				 present ? "come back on" : "leave", NVT_VM_TIMEOUT_MS / 1000);
			return -ETIMEDOUT;
		}
		/* Reading also consumes the events, so the port never fills up. */
		ret = read_line(q, POLL_STEP_MS);
		if (ret < 0) {
			nvt__err("%s: reading the VM control channel: %s", fn, strerror(-ret));
			return ret;
		}
		if (ret)
			see(q, q->line);
	}
	return 0;
}

/*
 * The guest missed a removal QEMU already did: remove the function from
 * the guest's PCI bus as its hot-plug driver would have (its driver's
 * remove() runs).
 */
static int remove_from_guest(const char *fn, const char *bdf)
{
	char path[sizeof(SYSFS_PCI_DEVICES) + NVT_BDF_LEN + 8];
	int ret;

	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "%s/remove", bdf);
	ret = nvt__sysfs_write(path, "1");
	if (ret == -ENOENT)
		return 0;	/* the guest got there meanwhile */
	if (ret)
		nvt__err("%s: removing %s from the guest's PCI bus: %s", fn, bdf, strerror(-ret));
	return ret;
}

/*
 * device_del asks the guest to eject the function (hot-plug). Now and then
 * (3 of about 10 full suites, always the suite's first power-off) the
 * function stayed on the guest's bus although QEMU no longer had the device
 * (a second device_del: DeviceNotFound, and no DEVICE_DELETED seen): after
 * UNPLUG_RETRY_MS such a function is removed from the guest's bus; one QEMU
 * still has is asked for again.
 */
static int unplug(const char *fn, struct qmp *q, const char *args, const char *bdf)
{
	int64_t until;
	int ret = qmp_exec(fn, q, "device_del", args, NULL);

	while (!ret) {
		until = nvt__now_ms() + UNPLUG_RETRY_MS;
		ret = wait_bus(fn, q, bdf, false, until < q->deadline ? until : q->deadline);
		if (ret != -ETIMEDOUT || until >= q->deadline)
			break;
		nvt__debug("%s: %s still on the PCI bus: device_del again", fn, bdf);
		ret = q->deleted ? 1 : qmp_exec(fn, q, "device_del", args, "DeviceNotFound");
		if (ret == 1) {
			nvt__debug("%s: QEMU deleted %s but it is still on the guest's bus", fn, bdf);
			q->deleted = true;
			ret = remove_from_guest(fn, bdf);
		} else {
			ret = 0;	/* asked again (an error of asking changes nothing) */
		}
	}
	return ret;
}

enum vm_op { VM_POWEROFF, VM_POWERON, VM_SMART_WARNING };

static int vm_call(const char *fn, const char *name, enum vm_op op, unsigned int value)
{
	struct qmp q = { .fd = -1, .deadline = nvt__now_ms() + NVT_VM_TIMEOUT_MS };
	char args[ARGS_MAX_LEN + 128];
	struct vm_ctrl c;
	int ret;

	ret = lookup(fn, name, &c);
	if (ret)
		return ret;
	if (op != VM_SMART_WARNING && on_bus(c.bdf) == (op == VM_POWERON)) {
		nvt__err("%s: %s is %s on the PCI bus", fn, c.bdf,
			 op == VM_POWERON ? "already" : "not");
		return -EALREADY;
	}
	pthread_mutex_lock(&channel_lock);
	ret = qmp_open(fn, &q);
	if (ret)
		goto out;
	switch (op) {
	case VM_POWEROFF:
		q.watch_id = c.id;
		snprintf(args, sizeof(args), "{\"id\": \"%s\"}", c.id);
		ret = unplug(fn, &q, args, c.bdf);
		break;
	case VM_POWERON:
		ret = qmp_exec(fn, &q, "device_add", c.args, NULL) ?:
		      wait_bus(fn, &q, c.bdf, true, q.deadline);
		break;
	case VM_SMART_WARNING:
		snprintf(args, sizeof(args),
			 "{\"path\": \"/machine/peripheral/%s\", \"property\": \"smart_critical_warning\", \"value\": %u}",
			 c.id, value);
		ret = qmp_exec(fn, &q, "qom-set", args, NULL);
		break;
	}
	close(q.fd);
out:
	pthread_mutex_unlock(&channel_lock);
	return ret;
}

int nvt_vm_poweroff(const char *bdf)
{
	return vm_call(__func__, bdf, VM_POWEROFF, 0);
}

int nvt_vm_poweron(const char *bdf)
{
	return vm_call(__func__, bdf, VM_POWERON, 0);
}

int nvt_vm_set_smart_warning(const char *bdf, unsigned int value)
{
	if (value > 0xff) {
		nvt__err("%s: value 0x%x does not fit the Critical Warning byte (0 to 0xff)",
			 __func__, value);
		return -EINVAL;
	}
	return vm_call(__func__, bdf, VM_SMART_WARNING, value);
}
