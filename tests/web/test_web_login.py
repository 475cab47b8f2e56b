"""reflect-web in a real Chromium: logging in (a first login that must
choose a password), the home page, logging out; the headers and cookies
every answer carries; CSRF, Origin and Host checks; every page visited
passes axe-core at WCAG 2.2 AA.

  /usr/bin/python3 test_web_login.py BUILD_DIR
"""
import re

from selenium.webdriver.common.by import By

import webharness as wh


class WebLogin(wh.Journey):
    @classmethod
    def arrange(cls, s):
        s.add_user("pat", "Pat Practitioner", "practitioner")
        s.person("sam", "Sam Supervisor", "supervisor")

    def setUp(self):
        self.d = wh.browser()

    def tearDown(self):
        self.d.quit()

    def go(self, path):
        self.d.get(self.stack.base + path)

    def login(self, user, password):
        self.d.find_element(By.ID, "username").clear()
        self.d.find_element(By.ID, "username").send_keys(user)
        self.d.find_element(By.ID, "password").send_keys(password)
        wh.submit(self.d, "/login")

    def test_a_first_login_chooses_a_password_then_reaches_home_and_logs_out(self):
        self.go("/")
        self.assertTrue(self.d.current_url.endswith("/login"), self.d.current_url)
        self.assertEqual(self.d.title, "Log in – Reflect")
        self.check(self.d)

        self.login("pat", "not-the-password")
        self.assertIn("Enter a correct username and password", self.d.page_source)
        self.assertEqual(self.d.find_element(By.ID, "username").get_attribute("value"), "pat")
        self.assertEqual(self.d.find_element(By.ID, "password").get_attribute("value"), "", "a password is never sent back")
        self.check(self.d)

        self.login("pat", wh.FIRST_PASSWORD)
        self.assertTrue(self.d.current_url.endswith("/password"), self.d.current_url)
        self.assertIn("Your administrator set your password", self.d.page_source)
        self.check(self.d)
        # Until the password is the person's own, nothing else opens.
        self.go("/")
        self.assertTrue(self.d.current_url.endswith("/password"), self.d.current_url)

        self.d.find_element(By.ID, "current").send_keys(wh.FIRST_PASSWORD)
        self.d.find_element(By.ID, "new").send_keys(wh.PASSWORD)
        self.d.find_element(By.ID, "again").send_keys(wh.PASSWORD + "x")
        wh.submit(self.d, "/password")
        self.assertIn("The two new passwords are not the same", self.d.page_source)
        self.check(self.d)
        self.d.find_element(By.ID, "current").send_keys(wh.FIRST_PASSWORD)
        self.d.find_element(By.ID, "new").send_keys(wh.PASSWORD)
        self.d.find_element(By.ID, "again").send_keys(wh.PASSWORD)
        wh.submit(self.d, "/password")

        self.assertEqual(self.d.title, "My supervision – Reflect",
                         self.d.find_element(By.TAG_NAME, "main").text if "Error" in self.d.title else "")
        self.assertIn("Your new password is saved", self.d.page_source)
        self.assertIn("No sessions are booked for you", self.d.page_source)
        self.check(self.d)

        wh.submit(self.d, "/logout")
        self.assertIn("/login", self.d.current_url)
        self.go("/")
        self.assertTrue(self.d.current_url.endswith("/login"), "logged out: home asks for a login again")

    def test_the_session_cookie_is_replaced_at_login_and_the_old_one_is_worth_nothing(self):
        self.go("/login")
        before = self.d.get_cookie("reflect-session")["value"]
        self.login("sam", wh.PASSWORD)
        self.assertEqual(self.d.title, "My supervision – Reflect")
        after = self.d.get_cookie("reflect-session")
        self.assertNotEqual(after["value"], before)
        self.assertTrue(after["httpOnly"])
        self.assertEqual(after["sameSite"], "Strict")
        device = self.d.get_cookie("reflect-device")
        self.assertIsNotNone(device, "the browser is given its device cookie at its first login")
        self.assertTrue(device["httpOnly"])
        # The cookie from before the login opens nothing.
        status, headers, _ = self.stack.request("/", cookies={"reflect-session": before})
        self.assertEqual(status, 303)
        self.assertTrue(headers["Location"].startswith("/login"), headers["Location"])
        # The new one does, and its page is not to be stored.
        status, headers, body = self.stack.request("/", cookies={"reflect-session": after["value"]})
        self.assertEqual(status, 200)
        self.assertIn("My supervision", body)
        self.assertEqual(headers["Cache-Control"], "no-store")

    def test_every_answer_carries_the_security_headers(self):
        for path in ("/login", "/", "/no/such/page", "/assets/app.css"):
            status, h, _ = self.stack.request(path)
            csp = h["Content-Security-Policy"] or ""
            for part in ("default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "object-src 'none'"):
                self.assertIn(part, csp, path)
            self.assertNotIn("unsafe-inline", csp)
            self.assertEqual(h["X-Content-Type-Options"], "nosniff", path)
            self.assertEqual(h["Referrer-Policy"], "same-origin", path)
            if not path.startswith("/assets/"):
                self.assertEqual(h["Cache-Control"], "no-store", path)
        status, _, body = self.stack.request("/login")
        self.assertNotRegex(body, r"<script(?![^>]*\bsrc=)", "no inline script")
        self.assertNotIn("style=", body, "no inline style")
        self.assertNotIn("GDS Transport", self.stack.request("/assets/app.css")[2], "the GOV.UK font is not used")

    def test_a_form_without_its_token_or_from_elsewhere_is_refused(self):
        status, h, body = self.stack.request("/login")
        cookie = re.search(r"reflect-session=([^;]+)", h["Set-Cookie"]).group(1)
        csrf = re.search(r'name="csrf" value="([^"]+)"', body).group(1)
        form = "csrf={}&username=sam&password={}".format(csrf, wh.PASSWORD).encode()
        origin = self.stack.base
        ct = {"Content-Type": "application/x-www-form-urlencoded"}
        # No token, a wrong one, another origin, no origin, a cross-site fetch: all 403, nothing done.
        for data, headers in [
            (b"username=sam&password=" + wh.PASSWORD.encode(), {"Origin": origin}),
            (form.replace(csrf.encode(), b"A" * len(csrf)), {"Origin": origin}),
            (form, {"Origin": "http://evil.example"}),
            (form, {}),
            (form, {"Origin": origin, "Sec-Fetch-Site": "cross-site"}),
        ]:
            status, _, _ = self.stack.request("/login", data=data, headers={**ct, **headers},
                                              cookies={"reflect-session": cookie})
            self.assertEqual(status, 403, headers)
        status, h, _ = self.stack.request("/login", data=form, headers={**ct, "Origin": origin},
                                          cookies={"reflect-session": cookie})
        self.assertEqual(status, 303, "the same form, with its token and origin, logs in")
        self.assertEqual(h["Location"], "/")

    def test_another_host_name_is_refused(self):
        status, _, _ = self.stack.request("/login", headers={"Host": "evil.example"})
        self.assertEqual(status, 421)

    def test_oversized_and_malformed_requests_are_refused_cleanly(self):
        status, _, _ = self.stack.request("/login", data=b"a=" + b"x" * (600 * 1024),
                                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 413)
        status, _, _ = self.stack.request("/login", data=b"{}", headers={"Content-Type": "application/json"})
        self.assertEqual(status, 415)
        status, h, _ = self.stack.request("/login")
        cookie = re.search(r"reflect-session=([^;]+)", h["Set-Cookie"]).group(1)
        status, _, _ = self.stack.request("/login", data=b"csrf=%zz", cookies={"reflect-session": cookie},
                                          headers={"Content-Type": "application/x-www-form-urlencoded",
                                                   "Origin": self.stack.base})
        self.assertEqual(status, 403)
        status, _, body = self.stack.request("/no/such/page")
        self.assertEqual(status, 404)
        self.assertIn("Page not found", body)


if __name__ == "__main__":
    wh.main()
