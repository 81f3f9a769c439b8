#!/usr/bin/env python3
"""`make bench` (README: Benchmarks): Gatehouse measured side by side with its ceiling, in one run.

The stack starts as `make run` starts it (nginx/stack.sh, a temp var dir, argon2id at its configured
cost, GATEHOUSE_WORKERS=4 unless set, throttles off unless BENCH_THROTTLE=1). Beside it: the ceiling,
a bare libfcgi program (tests/bench/ceiling.c) with as many workers behind the same nginx config
(nginx/render.sh), and nginx answering `return 200` by itself. wrk runs through nginx over HTTPS:

  W1  anonymous GET /accounts/login/
  W2  GET /accounts/profile/ with a real session cookie (the page is checked before and after)
  W3  POST /api/auth/token/verify/ with a real access token
  W4  logins through the login form (tests/bench/login.lua), against the hashing limit
      (cores / the best time of one argon2id hash by the faster way, from build/hash_speed)

Each workload: a 3 s warm-up, then 3 timed runs (wrk -t2 -c32 -d10s --latency), the median (by
requests/s) reported. Before each timed run it waits (at most 10 s) for a quiet second, and a row
where processes other than the stack's and wrk took more than 10% of a core is marked noisy. The
table goes to stdout and, as Markdown, to BENCH_OUT (default $GATEHOUSE_VAR/bench.md, ./var/bench.md).
Only ratios compare across machines.
"""
import http.cookiejar
import json
import os
import re
import resource
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HOME = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
BIN = os.path.join(HOME, BUILD, "gatehouse")
CEILING = os.path.join(HOME, BUILD, "bench_ceiling")
HASH_SPEED = os.path.join(HOME, BUILD, "hash_speed")
DURATION = os.environ.get("BENCH_DURATION", "10s")
WARMUP = os.environ.get("BENCH_WARMUP", "3s")
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
WORKERS = os.environ.get("GATEHOUSE_WORKERS", "4")
THROTTLE = os.environ.get("BENCH_THROTTLE", "0")
EMAIL, PASSWORD = "bench@example.org", "B3nch-Password!"
CORES = os.cpu_count() or 1
HZ = os.sysconf("SC_CLK_TCK")
NOISY_SHARE = 0.10  # of one core

TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


def say(text):
    print(text, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


def wait_for(what, check, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"bench: {what} did not come up")


# ---- CPU accounting from /proc -------------------------------------------------------------------

def busy_jiffies():
    fields = open("/proc/stat").readline().split()[1:]
    values = [int(v) for v in fields]
    return sum(values) - values[3] - values[4]  # all but idle and iowait


def read_stat(pid):
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    return stat[stat.rfind(")") + 2:].split()


def process_jiffies(rest):
    """A process's CPU time and that of the children it has reaped (a recycled worker's time moves to
    the master when the master waits for it; a finished compiler's to its make)."""
    return sum(int(v) for v in rest[11:15])  # utime, stime, cutime, cstime


def system_jiffies(rest):
    """The part of process_jiffies spent in the kernel on the process's behalf (stime, cstime)."""
    return int(rest[12]) + int(rest[14])


PF_KTHREAD = 0x00200000


class CpuSplit:
    """CPU time over a span by group: the stack's servers (by session), wrk (this script's child),
    every other user process ('other'), and the kernel's own threads and interrupts ('kernel')."""

    def __init__(self, groups_by_session):
        self.groups_by_session = groups_by_session

    def snapshot(self):
        per_pid = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            rest = read_stat(name)
            if rest is None or int(rest[6]) & PF_KTHREAD:
                continue
            group = self.groups_by_session.get(int(rest[3]), "other")
            per_pid[int(name)] = (group, process_jiffies(rest), system_jiffies(rest))
        # wrk is this script's child: its time counts here once it has been waited for.
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.time(), busy_jiffies(), per_pid, (children.ru_utime + children.ru_stime) * HZ

    @staticmethod
    def shares(before, after):
        """Cores used by each group over the span."""
        seconds = max(after[0] - before[0], 1e-6)
        out = {"app": 0.0, "nginx": 0.0, "memcached": 0.0, "wrk": 0.0, "other": 0.0}
        for pid, (group, jiffies, system) in after[2].items():
            if pid == os.getpid():
                continue
            _, was, was_system = before[2].get(pid, (group, 0, 0))
            out[group] = out.get(group, 0.0) + max(jiffies - was, 0) / HZ / seconds
            out[group + " system"] = out.get(group + " system", 0.0) + max(system - was_system, 0) / HZ / seconds
        out["wrk"] += (after[3] - before[3]) / HZ / seconds
        total = (after[1] - before[1]) / HZ / seconds
        out["kernel"] = max(total - sum(v for k, v in out.items() if not k.endswith(" system")), 0.0)
        return out


def wait_quiet(limit_seconds=10):
    """Waits for one second in which the machine was nearly idle (under 10% of a core busy)."""
    deadline = time.time() + limit_seconds
    while True:
        start = busy_jiffies()
        time.sleep(1)
        used = (busy_jiffies() - start) / HZ
        if used < NOISY_SHARE or time.time() >= deadline:
            return used


# ---- wrk -----------------------------------------------------------------------------------------

def parse_duration_ms(text):
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def run_wrk(url, script=None, headers=(), duration=DURATION, split=None, stack_pids=None):
    args = ["wrk", "-t2", "-c32", f"-d{duration}", "--latency"]
    for h in headers:
        args += ["-H", h]
    if script:
        args += ["-s", script]
    args.append(url)
    before = None
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if split:
        before = split.snapshot()
    out, _ = proc.communicate()
    shares = None
    if split:
        after = split.snapshot()
        shares = CpuSplit.shares(before, after)
    if proc.returncode != 0:
        raise SystemExit(f"bench: wrk failed on {url}:\n{out}")
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "raw": out, "cpu": shares}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        result["p" + pct] = parse_duration_ms(m.group(1)) if m else None
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(g) for g in m.groups()) if m else 0
    result["errors"] = errors
    m = re.search(r"LOGINS (\d+) REFUSED (\d+) BAD_FORMS (\d+) SECONDS ([\d.]+)", out)
    if m:
        logins, refused, bad, seconds = int(m.group(1)), int(m.group(2)), int(m.group(3)), float(m.group(4))
        result["rps"] = logins / seconds
        result["errors"] = refused + bad + errors
    return result


class Workload:
    def __init__(self, key, title, path, script=None, headers=()):
        self.key, self.title, self.path, self.script, self.headers = key, title, path, script, headers


def measure(label, base, workload, split, results):
    url = base + workload.path
    run_wrk(url, workload.script, workload.headers, duration=WARMUP)
    runs = []
    for i in range(RUNS):
        quiet = wait_quiet()
        r = run_wrk(url, workload.script, workload.headers, split=split)
        r["noisy"] = r["cpu"]["other"] > NOISY_SHARE or quiet >= NOISY_SHARE
        runs.append(r)
        say(f"  {label} {workload.key} run {i + 1}: {r['rps']:.1f}/s p50 {r['p50']} ms p99 {r['p99']} ms "
            f"errors {r['errors']} other CPU {r['cpu']['other']:.2f} core{' (noisy)' if r['noisy'] else ''}")
    runs.sort(key=lambda r: r["rps"])
    median = dict(runs[len(runs) // 2])
    median["errors"] = sum(r["errors"] for r in runs)
    median["noisy"] = any(r["noisy"] for r in runs)
    median["all"] = [r["rps"] for r in runs]
    results[(label, workload.key)] = median
    return median


# ---- the stack, the ceiling, nginx alone ---------------------------------------------------------

class Servers:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="gatehouse-bench-")
        os.chmod(self.tmp, 0o755)
        self.var = os.path.join(self.tmp, "var")
        self.procs = []
        self.https, self.http = free_port(), free_port()
        self.ceiling_https, self.ceiling_http, self.nginx_only = free_port(), free_port(), free_port()

    def env(self, **extra):
        env = dict(os.environ)
        env.update({"GATEHOUSE_VAR": self.var, "GATEHOUSE_HTTPS_PORT": str(self.https),
                    "GATEHOUSE_HTTP_PORT": str(self.http), "GATEHOUSE_THROTTLE": THROTTLE,
                    "GATEHOUSE_WORKERS": WORKERS})
        env.update(extra)
        return env

    def spawn(self, args, log, env=None):
        proc = subprocess.Popen(args, stdout=open(os.path.join(self.tmp, log), "ab"), stderr=subprocess.STDOUT,
                                env=env or os.environ, start_new_session=True)
        self.procs.append(proc)
        return proc

    def start_stack(self):
        self.stack = self.spawn([os.path.join(HOME, "nginx", "stack.sh")], "stack.log", self.env())
        wait_for("the stack", lambda: get(f"https://127.0.0.1:{self.https}/healthz").status == 200)

    def start_ceiling(self):
        ceiling_var = os.path.join(self.tmp, "ceiling")
        os.makedirs(os.path.join(ceiling_var, "run"), exist_ok=True)
        os.chmod(ceiling_var, 0o755)
        os.chmod(os.path.join(ceiling_var, "run"), 0o755)
        sock = os.path.join(ceiling_var, "run", "ceiling.sock")
        self.ceiling = self.spawn([CEILING, sock, WORKERS], "ceiling.log")
        wait_for("the ceiling program", lambda: os.path.exists(sock))
        # The same nginx config as Gatehouse's (and its certificate), pointed at the ceiling's socket.
        env = self.env(GATEHOUSE_VAR=ceiling_var, GATEHOUSE_SOCKET=sock, GATEHOUSE_HTTPS_PORT=str(self.ceiling_https),
                       GATEHOUSE_HTTP_PORT=str(self.ceiling_http), GATEHOUSE_THROTTLE="0",
                       GATEHOUSE_TLS_CERT=os.path.join(self.var, "tls", "cert.pem"),
                       GATEHOUSE_TLS_KEY=os.path.join(self.var, "tls", "key.pem"))
        subprocess.run([os.path.join(HOME, "nginx", "render.sh")], env=env, check=True)
        conf = os.path.join(ceiling_var, "nginx", "nginx.conf")
        text = open(conf).read().rstrip()
        assert text.endswith("}")
        # nginx alone: the same TLS, `return 200` from nginx itself, no FastCGI at all.
        text = text[:-1] + f"""
    server {{
        listen {self.nginx_only} ssl http2;
        ssl_certificate {self.var}/tls/cert.pem;
        ssl_certificate_key {self.var}/tls/key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {{ return 200 "ok\\n"; }}
    }}
}}
"""
        open(conf, "w").write(text)
        self.ceiling_nginx = self.spawn(["nginx", "-c", conf], "ceiling-nginx.log")
        wait_for("the ceiling's nginx", lambda: get(f"https://127.0.0.1:{self.ceiling_https}/").status == 200)

    def stop(self):
        for proc in reversed(self.procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def run_pid(self, name):
        try:
            return int(open(os.path.join(self.var, "run", f"{name}.pid")).read().split()[0])
        except (OSError, ValueError, IndexError):
            return 0


# ---- HTTP for the set-up (urllib; the timed requests are wrk's) ----------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def opener(jar=None):
    handlers = [urllib.request.HTTPSHandler(context=TLS), NoRedirect()]
    if jar is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(jar))
    return urllib.request.build_opener(*handlers)


def get(url, jar=None, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener(jar).open(request, timeout=10) as r:
            r.body = r.read().decode("utf-8", "replace")
            return r
    except urllib.error.HTTPError as e:
        e.body = e.read().decode("utf-8", "replace")
        return e


def post(url, data, jar=None, headers=None, as_json=False):
    body = json.dumps(data).encode() if as_json else urllib.parse.urlencode(data).encode()
    hdrs = {"Content-Type": "application/json" if as_json else "application/x-www-form-urlencoded"}
    hdrs.update(headers or {})
    request = urllib.request.Request(url, data=body, headers=hdrs, method="POST")
    try:
        with opener(jar).open(request, timeout=30) as r:
            r.body = r.read().decode("utf-8", "replace")
            return r
    except urllib.error.HTTPError as e:
        e.body = e.read().decode("utf-8", "replace")
        return e


def csrf_field(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def cookie(jar, name):
    return next((c.value for c in jar if c.name == name), None)


def worker_pids(base):
    return [w["pid"] for w in json.loads(get(base + "/status").body)["workers"]]


def memory_kib(pid):
    """VmRSS (shared pages included: what the master mapped before forking counts in every worker) and
    the worker's own private pages, from /proc/<pid>/smaps_rollup."""
    rss = private = 0
    for line in open(f"/proc/{pid}/smaps_rollup"):
        name, _, rest = line.partition(":")
        if name == "Rss":
            rss = int(rest.split()[0])
        elif name in ("Private_Clean", "Private_Dirty"):
            private += int(rest.split()[0])
    return rss, private


# ---- the run -------------------------------------------------------------------------------------

def main():
    for program in (BIN, CEILING):
        if not os.access(program, os.X_OK):
            raise SystemExit(f"bench: {program} is missing (make bench builds it)")
    servers = Servers()
    try:
        return bench(servers)
    finally:
        servers.stop()


def bench(servers):
    say(f"bench: stack on :{servers.https}, ceiling on :{servers.ceiling_https}, nginx alone on :{servers.nginx_only}; "
        f"{WORKERS} workers, throttles {'on' if THROTTLE == '1' else 'off'}, {CORES} cores")
    servers.start_stack()
    base = f"https://127.0.0.1:{servers.https}"
    env = servers.env()
    subprocess.run([BIN, "createsuperuser", "--email", EMAIL], input=PASSWORD + "\n", text=True, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    servers.start_ceiling()
    ceiling_base = f"https://127.0.0.1:{servers.ceiling_https}"

    # A real session (the login form, as a browser) and a real access token.
    jar = http.cookiejar.CookieJar()
    form = get(base + "/accounts/login/", jar)
    login = post(base + "/accounts/login/", {"csrfmiddlewaretoken": csrf_field(form.body), "email": EMAIL,
                                             "password": PASSWORD}, jar,
                 {"Origin": base, "Referer": base + "/accounts/login/"})
    session, csrf = cookie(jar, "sessionid"), cookie(jar, "csrftoken")
    if login.status != 302 or not session:
        raise SystemExit(f"bench: could not log in ({login.status})")
    access = json.loads(post(base + "/api/auth/token/", {"email": EMAIL, "password": PASSWORD}, as_json=True).body)["access"]

    def profile_is_real():
        r = get(base + "/accounts/profile/", headers={"Cookie": f"sessionid={session}; csrftoken={csrf}"})
        return r.status == 200 and EMAIL in r.body

    if not profile_is_real():
        raise SystemExit("bench: the session cookie does not open the profile page")

    scripts = tempfile.mkdtemp(prefix="gatehouse-bench-lua-")
    verify_lua = os.path.join(scripts, "verify.lua")
    with open(verify_lua, "w") as f:
        f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                f"wrk.body = '{json.dumps({'token': access})}'\n")
    login_lua = os.path.join(scripts, "login.lua")
    with open(login_lua, "w") as f:
        f.write(f'CSRF_SECRET = "{csrf}"\nEMAIL = "{EMAIL}"\nPASSWORD = "{PASSWORD}"\nORIGIN = "{base}"\n')
        f.write(open(os.path.join(HOME, "tests", "bench", "login.lua")).read())

    w1 = Workload("W1", "anonymous `GET /accounts/login/`", "/accounts/login/")
    w2 = Workload("W2", "`GET /accounts/profile/` with a session", "/accounts/profile/",
                  headers=[f"Cookie: sessionid={session}; csrftoken={csrf}"])
    w3 = Workload("W3", "`POST /api/auth/token/verify/`", "/api/auth/token/verify/", script=verify_lua)
    w4 = Workload("W4", "`POST /accounts/login/` (argon2id)", "/accounts/login/", script=login_lua)

    split = CpuSplit({servers.run_pid("gatehouse"): "app", servers.run_pid("nginx"): "nginx",
                      servers.run_pid("memcached"): "memcached",
                      servers.ceiling.pid: "ceiling", servers.ceiling_nginx.pid: "nginx"})
    results = {}
    for w in (w1, w2, w3):
        measure("ceiling", ceiling_base, w, split, results)
        measure("gatehouse", base, w, split, results)
        if w is w2:
            if not profile_is_real():
                raise SystemExit("bench: after W2 the session no longer opens the profile page")
            rss = [memory_kib(pid) for pid in worker_pids(base)]
    nginx_alone = measure("nginx", f"https://127.0.0.1:{servers.nginx_only}", Workload("R", "return 200", "/"),
                          split, results)
    measure("gatehouse", base, w4, split, results)

    hashing = hash_limit()
    timing = login_timing(base)
    table = render(results, nginx_alone, hashing, rss, timing)
    print(table)
    out = os.environ.get("BENCH_OUT") or os.path.join(os.environ.get("GATEHOUSE_VAR", os.path.join(HOME, "var")),
                                                      "bench.md")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write(table)
    say(f"bench: written to {out}")
    shutil.rmtree(scripts, ignore_errors=True)
    return 0


def hash_limit():
    if not os.access(HASH_SPEED, os.X_OK):
        return None
    out = subprocess.run([HASH_SPEED], capture_output=True, text=True).stdout.strip().splitlines()
    line = out[-1] if out else ""
    fields = dict(re.findall(r"(\w+)=([\d.]+)", line))
    return {k: float(v) for k, v in fields.items()} if fields else None


def login_timing(base):
    """README, Limits: an unknown email's login costs a wrong password's time (medians of 21 each)."""
    def once(email):
        start = time.perf_counter()
        post(base + "/api/auth/token/", {"email": email, "password": "Wr0ng-Password!"}, as_json=True)
        return time.perf_counter() - start
    known, unknown = [], []
    for i in range(21):
        known.append(once(EMAIL))
        unknown.append(once(f"nobody{i}@example.org"))
    return statistics.median(known), statistics.median(unknown)


def render(results, nginx_alone, hashing, rss, timing):
    def ms(v):
        return "—" if v is None else f"{v:.2f}"
    lines = [f"Gatehouse `make bench`, {time.strftime('%Y-%m-%d')}, {machine()}: wrk -t2 -c32 -d{DURATION} "
             f"through nginx over HTTPS, median of {RUNS} after a {WARMUP} warm-up, {WORKERS} workers, "
             f"throttles {'on' if THROTTLE == '1' else 'off'}.",
             "",
             "| workload | ceiling req/s | Gatehouse req/s | ratio | p50 ms (ceiling) | p99 ms (ceiling) | p99 ratio | errors |",
             "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for key, title in (("W1", "anonymous `GET /accounts/login/`"), ("W2", "`GET /accounts/profile/` with a session"),
                       ("W3", "`POST /api/auth/token/verify/`")):
        c, g = results[("ceiling", key)], results[("gatehouse", key)]
        noisy = " (noisy)" if c["noisy"] or g["noisy"] else ""
        lines.append(f"| {key} {title}{noisy} | {c['rps']:,.0f} | {g['rps']:,.0f} | {g['rps'] / c['rps']:.0%} | "
                     f"{ms(g['p50'])} ({ms(c['p50'])}) | {ms(g['p99'])} ({ms(c['p99'])}) | "
                     f"{g['p99'] / c['p99']:.1f}× | {g['errors']} |")
    g4 = results[("gatehouse", "W4")]
    limit = hashing.get("limit_per_s") if hashing else None
    ratio = f"{g4['rps'] / limit:.0%}" if limit else "—"
    noisy = " (noisy)" if g4["noisy"] else ""
    lines.append(f"| W4 `POST /accounts/login/` (argon2id){noisy} | {limit or 0:,.1f} hashing limit | "
                 f"{g4['rps']:,.1f} logins/s | {ratio} | {ms(g4['p50'])} (form GETs included) | {ms(g4['p99'])} | — | "
                 f"{g4['errors']} |")
    lines.append(f"| nginx alone, `return 200`{' (noisy)' if nginx_alone['noisy'] else ''} | "
                 f"{nginx_alone['rps']:,.0f} | | | {ms(nginx_alone['p50'])} | {ms(nginx_alone['p99'])} | | "
                 f"{nginx_alone['errors']} |")
    lines.append("")
    if hashing:
        best = min(hashing.get("sodium_ms", 1e9), hashing.get("warm_ms", 1e9))
        lines.append(f"Hashing limit: {CORES} cores ÷ {best:.1f} ms, the best time of one argon2id hash at the "
                     f"configured cost by the faster way (build/hash_speed, timed alone) = {limit:.1f}/s. "
                     f"libsodium, fresh memory each time (the default): {hashing.get('sodium_ms', 0):.1f} ms; "
                     f"libargon2 in a warm pre-faulted slot (GATEHOUSE_ARGON2_ARENA=1): {hashing.get('warm_ms', 0):.1f} ms, "
                     f"with fresh memory (cold): {hashing.get('cold_ms', 0):.1f} ms.")
    else:
        lines.append("Hashing limit: not measured (build/hash_speed is not built).")
    lines.append("Memory per worker after W2, resident (VmRSS) / private: " +
                 ", ".join(f"{r / 1024:.1f} / {p / 1024:.1f} MiB" for r, p in rss) +
                 " (resident counts the pages the master made before forking, shared by all workers).")
    cpu = results[("gatehouse", "W2")]["cpu"]
    lines.append("CPU during W2 (cores): " + ", ".join(f"{name} {cpu.get(name, 0):.2f}"
                                                      for name in ("app", "nginx", "memcached", "wrk", "kernel",
                                                                   "other")) + " (kernel: its threads and interrupts, "
                 "mostly loopback networking; other: every other process). Of which in system calls: app "
                 f"{cpu.get('app system', 0):.2f}, nginx {cpu.get('nginx system', 0):.2f}, memcached "
                 f"{cpu.get('memcached system', 0):.2f}.")
    def us(share, rps):
        return share / rps * 1e6 if rps else 0.0

    for key in ("W1", "W2", "W3"):
        g, c = results[("gatehouse", key)], results[("ceiling", key)]
        gc, cc = g["cpu"], c["cpu"]
        lines.append(f"CPU per {key} request, µs (Gatehouse / ceiling): application "
                     f"{us(gc.get('app', 0), g['rps']):.1f} / {us(cc.get('ceiling', 0), c['rps']):.1f} (in system calls "
                     f"{us(gc.get('app system', 0), g['rps']):.1f} / {us(cc.get('ceiling system', 0), c['rps']):.1f}), "
                     f"nginx {us(gc.get('nginx', 0), g['rps']):.1f} / {us(cc.get('nginx', 0), c['rps']):.1f}, "
                     f"memcached {us(gc.get('memcached', 0), g['rps']):.1f} / {us(cc.get('memcached', 0), c['rps']):.1f}, "
                     f"wrk {us(gc.get('wrk', 0), g['rps']):.1f} / {us(cc.get('wrk', 0), c['rps']):.1f}.")
    known, unknown = timing
    lines.append(f"Login timing (README, Limits): median wrong password {known * 1000:.1f} ms, unknown email "
                 f"{unknown * 1000:.1f} ms (ratio {unknown / known:.2f}).")
    lines.append("Rows marked noisy had other processes above 10% of a core during a run.")
    return "\n".join(lines) + "\n"


def machine():
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return f"{CORES} × {model}"


if __name__ == "__main__":
    sys.exit(main())
