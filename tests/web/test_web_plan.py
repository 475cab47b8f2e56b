"""Booking ahead and the calendar in a real Chromium: a supervisor plans
sessions from the agreement's rule, sees them proposed with their clashes,
books them all; the practitioner downloads the calendar file, which is the
file `reflect calendar export` writes; logging out in the browser ends the
login on the server too. Every page passes axe-core at WCAG 2.2 AA.

  /usr/bin/python3 test_web_plan.py BUILD_DIR
"""
import datetime
import os
import re
import sqlite3
import subprocess

from selenium.webdriver.common.by import By

import webharness as wh

DB = "reflect.db"  # server/core/db.h: DB_FILE_NAME


def without_stamps(ics):
    """The calendar without what depends on the second it was made."""
    return "\r\n".join(line for line in ics.split("\r\n") if not line.startswith("DTSTAMP:"))


class WebPlan(wh.Journey):
    @classmethod
    def arrange(cls, s):
        s.person("sam", "Sam Supervisor", "supervisor")
        s.person("pat", "Pat Practitioner", "practitioner")
        s.agreement("sam", "pat", every_days=14)

    def live_tokens(self):
        """Logins reflectd holds (only a hash of each token is stored)."""
        db = sqlite3.connect(f"file:{os.path.join(self.stack.data, DB)}?mode=ro", uri=True)
        try:
            return db.execute("SELECT count(*) FROM tokens").fetchone()[0]
        finally:
            db.close()

    def press(self, d, value):
        old = d.find_element(By.TAG_NAME, "html")
        d.find_element(By.CSS_SELECTOR, f"button[name=step][value={value}]").click()
        wh.WebDriverWait(d, 30).until(lambda x: wh.gone(old))

    def test_1_a_supervisor_plans_from_the_agreement_and_books_them_all(self):
        sam = wh.browser()
        try:
            self.login(sam, "sam")
            self.go(sam, "/sessions")
            sam.find_element(By.LINK_TEXT, "Plan sessions from an agreement").click()
            self.check(sam)
            # Someone Sam has no agreement with: said beside the field.
            sam.find_element(By.ID, "supervisee").send_keys("nobody")
            self.press(sam, "show")
            self.assertIn("Error: Plan sessions", sam.title)
            self.assertEqual(sam.find_element(By.CSS_SELECTOR, ".govuk-error-summary__list a").get_attribute("href"),
                             self.stack.base + "/sessions/plan#supervisee")
            self.check(sam)
            who = sam.find_element(By.ID, "supervisee")
            who.clear()
            who.send_keys("pat")
            count = sam.find_element(By.ID, "count")
            count.clear()
            count.send_keys("3")
            first = datetime.datetime.now() + datetime.timedelta(days=3)
            for part, value in (("day", first.day), ("month", first.month), ("year", first.year), ("hour", 10),
                                ("minute", 0)):
                sam.find_element(By.ID, f"first-{part}").send_keys(str(value))
            self.press(sam, "show")
            rows = sam.find_elements(By.CSS_SELECTOR, "tbody tr")
            self.assertEqual(len(rows), 3, wh.problem(sam))
            for row in rows:
                self.assertIn("Free", row.text)
            # A fortnight apart, as the agreement says, at 10:00 local time.
            self.assertIn(first.strftime("%-d %b %Y") + ", 10:00", rows[0].text)
            second = first + datetime.timedelta(days=14)
            self.assertIn(second.strftime("%-d %b %Y") + ", 10:00", rows[1].text)
            self.assertEqual(self.stack.cli_ok("cli-sam", "session", "list").count("pat"), 0,
                             "showing the plan books nothing")
            self.check(sam)
            self.press(sam, "book")
            self.assertEqual(sam.title, "Sessions booked – Reflect", wh.problem(sam))
            links = sam.find_elements(By.CSS_SELECTOR, "tbody tr a")
            self.assertEqual(len(links), 3)
            self.assertRegex(links[0].get_attribute("href"), r"/sessions/\d+$")
            self.check(sam)
            listed = self.stack.cli_ok("cli-sam", "session", "list")
            self.assertEqual(listed.count("pat"), 3, listed)
            # The same plan again clashes with what was just booked: nothing to book.
            self.go(sam, "/sessions/plan")
            sam.find_element(By.ID, "supervisee").send_keys("pat")
            count = sam.find_element(By.ID, "count")
            count.clear()
            count.send_keys("2")
            for part, value in (("day", first.day), ("month", first.month), ("year", first.year), ("hour", 10),
                                ("minute", 30)):
                sam.find_element(By.ID, f"first-{part}").send_keys(str(value))
            self.press(sam, "show")
            self.assertIn("Clashes", sam.find_element(By.CSS_SELECTOR, "tbody").text)
            self.assertEqual(len(sam.find_elements(By.CSS_SELECTOR, "button[value=book]")), 0)
            self.check(sam)
        finally:
            sam.quit()

    def test_2_the_calendar_file_is_the_one_the_cli_writes(self):
        pat = wh.browser()
        try:
            self.login(pat, "pat")
            self.go(pat, "/sessions")
            pat.find_element(By.LINK_TEXT, "Add your sessions to your calendar").click()
            self.assertEqual(pat.title, "Your calendar – Reflect")
            self.check(pat)
            cookies = {c["name"]: c["value"] for c in pat.get_cookies()}
            status, headers, body = self.stack.request("/calendar.ics", cookies=cookies)
            self.assertEqual(status, 200, body[:300])
            self.assertTrue(headers["Content-Type"].startswith("text/calendar"))
            self.assertEqual(headers["Content-Disposition"], 'attachment; filename="supervision.ics"')
            self.assertEqual(headers["Cache-Control"], "no-store")
            self.assertEqual(body.count("BEGIN:VEVENT"), 3, body)
            self.assertIn("SUMMARY:Supervision with sam", body)
            self.assertIn("TZID:Europe/London", body, "the organisation's zone, as reflectd names it")
            out = os.path.join(self.stack.dir, "pat.ics")
            self.stack.cli_ok("cli-pat", "calendar", "export", "--output", out)
            with open(out, newline="") as f:
                cli = f.read()
            self.assertEqual(without_stamps(body), without_stamps(cli), "the same file as the CLI's")
            # Chosen dates: only the first of the three falls in the first week.
            first = datetime.date.today() + datetime.timedelta(days=3)
            for side, day in (("from", datetime.date.today()), ("to", first + datetime.timedelta(days=2))):
                for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
                    pat.find_element(By.ID, f"{side}-{part}").send_keys(str(value))
            form = {e.get_attribute("name"): e.get_attribute("value")
                    for e in pat.find_elements(By.CSS_SELECTOR, "form[action='/calendar'] input")}
            data = "&".join(f"{k}={v}" for k, v in form.items()).encode()
            status, headers, body = self.stack.request(
                "/calendar", data=data, cookies=cookies,
                headers={"Origin": self.stack.base, "Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(status, 200, body[:300])
            self.assertEqual(body.count("BEGIN:VEVENT"), 1, body)
            # Dates the wrong way round are said beside the field.
            data = re.sub(rb"to-year=\d+", b"to-year=2001", data)
            status, headers, body = self.stack.request(
                "/calendar", data=data, cookies=cookies,
                headers={"Origin": self.stack.base, "Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(status, 200)
            self.assertIn("Error: Your calendar", body)
            # Logged out, the file is not given.
            status, headers, body = self.stack.request("/calendar.ics")
            self.assertEqual(status, 303)
        finally:
            pat.quit()

    def test_3_logging_out_in_the_browser_ends_the_login_on_the_server(self):
        d = wh.browser()
        try:
            before = self.live_tokens()
            self.login(d, "pat")
            self.assertEqual(self.live_tokens(), before + 1, "the browser's login is a login on the server")
            wh.submit(d, "/logout")
            self.assertIn("/login", d.current_url)
            self.assertEqual(self.live_tokens(), before, "and logging out ends it there")
        finally:
            d.quit()


if __name__ == "__main__":
    wh.main()
