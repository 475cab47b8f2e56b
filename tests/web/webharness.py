"""A real reflectd and reflect-web for a browser test, and a headless
Chromium driven by Selenium, with axe-core to check every page visited.

  server = Stack(build_dir); server.start()  ...  server.stop()

reflectd runs on ipc:// endpoints in a temporary directory, reflect-web on
127.0.0.1 with a port the kernel picks (it prints the address it serves).
People are made with the `reflect` CLI as the administrator. Nothing here
mocks anything: the browser, the gateway and the server are the real ones.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ADMIN_PASSWORD = "admin-password-for-web-tests"
FIRST_PASSWORD = "first-password-from-the-admin"
PASSWORD = "a-long-enough-password-for-web"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BUILD = None  # the build directory, from the command line (main)


class Stack:
    def __init__(self, build, server_conf=None):
        self.build = os.path.abspath(build)
        self.dir = tempfile.mkdtemp(prefix="reflect-web-test-")
        self.data = os.path.join(self.dir, "data")
        self.rpc = "ipc://" + os.path.join(self.dir, "rpc")
        self.pub = "ipc://" + os.path.join(self.dir, "pub")
        self.procs = []
        self.files = []
        self.base = None
        self.web = None
        self.axe_results = []
        self.server_conf = server_conf  # reflectd.conf lines, e.g. "[security]\ntoken_idle_minutes = 1\n"

    def log(self, name):
        f = open(os.path.join(self.dir, name), "w")
        self.files.append(f)
        return f

    def bin(self, *parts):
        return os.path.join(self.build, *parts)

    def start(self):
        subprocess.run([self.bin("server", "reflectd"), "init", "--data", self.data, "--admin-password-stdin"],
                       input=ADMIN_PASSWORD + "\n", text=True, check=True, capture_output=True)
        with open(os.path.join(self.data, "server.pub")) as f:
            self.key = f.read().strip()
        if self.server_conf:
            with open(os.path.join(self.data, "reflectd.conf"), "w") as f:
                f.write(self.server_conf)
        self.serve = subprocess.Popen([self.bin("server", "reflectd"), "serve", "--data", self.data,
                                       "--listen", self.rpc, "--publish", self.pub],
                                      stdout=subprocess.DEVNULL, stderr=self.log("reflectd.log"))
        self.procs.append(self.serve)
        self.cli_ok("admin", "setup", "--server", self.rpc, "--events", self.pub, "--server-key", self.key)
        for _ in range(100):
            if self.cli("admin", "login", "admin", "--password-stdin", stdin=ADMIN_PASSWORD + "\n").returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("reflectd did not start: " + self.logs())
        self.web = subprocess.Popen([self.bin("client", "reflect-web"), "--server", self.rpc, "--events", self.pub,
                                     "--server-key", self.key, "--listen", "127.0.0.1:0",
                                     "--state", os.path.join(self.dir, "web-state")],
                                    stdout=subprocess.PIPE, stderr=self.log("web.log"), text=True)
        self.procs.append(self.web)
        line = self.web.stdout.readline()
        if not line.startswith("reflect-web: serving "):
            raise RuntimeError("reflect-web did not start: " + line + self.logs())
        self.base = line.split()[-1].rstrip("/")

    def cli(self, device, *args, stdin=None):
        env = dict(os.environ, REFLECT_CONFIG=os.path.join(self.dir, "devices", device, "config"))
        return subprocess.run([self.bin("client", "reflect"), *args], input=stdin, text=True, capture_output=True,
                              env=env, timeout=60)

    def cli_ok(self, device, *args, stdin=None):
        r = self.cli(device, *args, stdin=stdin)
        if r.returncode != 0:
            raise AssertionError(f"reflect {' '.join(args)}: {r.stderr}")
        return r.stdout

    def add_user(self, username, name, role):
        """An account with FIRST_PASSWORD, as an administrator makes one."""
        self.cli_ok("admin", "user", "add", username, "--name", name, "--role", role, "--password-stdin",
                    stdin=FIRST_PASSWORD + "\n")

    def person(self, username, name, role):
        """An account whose owner has already chosen PASSWORD (through the CLI)."""
        self.add_user(username, name, role)
        dev = "cli-" + username
        self.cli_ok(dev, "setup", "--server", self.rpc, "--events", self.pub, "--server-key", self.key)
        self.cli_ok(dev, "login", username, "--password-stdin", stdin=FIRST_PASSWORD + "\n")
        self.cli_ok(dev, "password", "--password-stdin", stdin=FIRST_PASSWORD + "\n" + PASSWORD + "\n")

    def agreement(self, supervisor, supervisee, every_days=28):
        """A signed supervision agreement (made through the CLI), which a
        supervisor needs before booking with someone."""
        out = self.cli_ok("cli-" + supervisor, "agreement", "add", "--supervisee", supervisee, "--every",
                          str(every_days), "--minutes", "60", "--booking", "Booked a month ahead",
                          "--cancellation", "Rebooked within a week", "--confidentiality", "Confidential unless a "
                          "child is at risk", "--record-access", "The two of us and the team manager",
                          "--disagreements", "Recorded on the record")
        self.cli_ok("cli-" + supervisee, "agreement", "sign", out.strip().split()[-1])

    def stop(self):
        """Stops both; returns their exit codes (0 each: under ASan a leak is not 0)."""
        codes = []
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            try:
                codes.append(p.wait(timeout=30))
            except subprocess.TimeoutExpired:
                p.kill()
                codes.append(-9)
        return codes

    def logs(self):
        out = ""
        for name in ("reflectd.log", "web.log"):
            path = os.path.join(self.dir, name)
            if os.path.exists(path):
                with open(path) as f:
                    out += f"--- {name}\n" + f.read()[-4000:]
        return out

    def cleanup(self):
        for f in self.files:
            f.close()
        if self.web and self.web.stdout:
            self.web.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, path, data=None, headers=None, cookies=None):
        """A plain HTTP request (no browser): (status, headers, body)."""
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **k):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(req, timeout=30) as r:
                return r.status, r.headers, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8", "replace")


def browser(javascript=True):
    o = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
              "--disable-gpu", "--no-first-run", "--disable-extensions"]:
        o.add_argument(a)
    if not javascript:
        o.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    o.binary_location = "/usr/bin/chromium"
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.set_page_load_timeout(30)
    return d


def axe_check(driver, stack, axe_path):
    """Runs axe-core on the page shown; fails on any WCAG 2.2 A/AA violation."""
    with open(axe_path) as f:
        src = f.read()
    driver.execute_script(src)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))})), passes: r.passes.length}))"
        ".catch(e => done({error: String(e)}));", AXE_TAGS)
    if "error" in result:
        raise AssertionError("axe-core failed: " + result["error"])
    stack.axe_results.append({"url": driver.current_url.replace(stack.base, ""), "title": driver.title,
                              "violations": len(result["violations"]), "passes": result["passes"]})
    if result["violations"]:
        raise AssertionError(f"axe on {driver.current_url}: " + json.dumps(result["violations"], indent=1))


def submit(driver, form_action):
    """Submits the form and waits for the page it leads to (a click returns
    before the navigation, and the old page's elements would still answer)."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f"form[action='{form_action}'] button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: gone(old))
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def gone(element):
    """The element's page has been replaced. ChromeDriver says so either as
    a stale reference or, while the new document is loading, as "Node with
    given id does not belong to the document"."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e):
            return True
        raise


def problem(driver):
    """The error summary of the page shown, for a failed assertion's message."""
    found = driver.find_elements(By.CSS_SELECTOR, ".govuk-error-summary__list, main h1")
    return driver.current_url + ": " + (found[0].text if found else driver.title)


class Journey(unittest.TestCase):
    """One test file's journeys against their own reflectd and reflect-web,
    started once for the class. A subclass makes its people and data in
    arrange(stack); server_conf, if set, is reflectd.conf. Stopping checks
    that both programs exit 0 (under ASan, a leak is not 0) and prints the
    axe results of every page checked."""
    server_conf = None

    @classmethod
    def setUpClass(cls):
        cls.stack = Stack(BUILD, server_conf=cls.server_conf)
        cls.stack.start()
        cls.axe = os.path.join(BUILD, "client", "web", "npm", "node_modules", "axe-core", "axe.min.js")
        try:
            cls.arrange(cls.stack)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def arrange(cls, stack):
        pass

    @classmethod
    def tearDownClass(cls):
        codes = cls.stack.stop()
        logs = cls.stack.logs()
        for r in cls.stack.axe_results:
            print(f"axe: {r['url']} ({r['title']}): {r['violations']} violations, {r['passes']} rules passed")
        cls.stack.cleanup()
        if codes != [0, 0]:
            raise AssertionError(f"reflect-web and reflectd exit codes {codes}\n{logs}")

    def go(self, d, path):
        d.get(self.stack.base + path)

    def login(self, d, user, lands="My supervision – Reflect"):
        """Logs user in with PASSWORD from the login form (opened unless
        shown) and checks where it lands (None: anywhere)."""
        if "/login" not in d.current_url:
            self.go(d, "/login")
        d.find_element(By.ID, "username").send_keys(user)
        d.find_element(By.ID, "password").send_keys(PASSWORD)
        submit(d, "/login")
        if lands:
            self.assertEqual(d.title, lands, problem(d))

    def check(self, d):
        """axe-core on the page shown."""
        axe_check(d, self.stack, self.axe)


def main():
    """python3 test_web_X.py BUILD_DIR [unittest arguments]"""
    global BUILD
    BUILD = sys.argv.pop(1)
    unittest.main(verbosity=2)
