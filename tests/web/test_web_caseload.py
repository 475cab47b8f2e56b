"""Agreements, cases, actions and live notifications in a real Chromium:
a supervisor proposes an agreement with its terms and the practitioner
signs it; the practitioner's caseload and a case's decision log; an action
agreed in supervision closed with its evidence; and an event reaching the
practitioner's open page within 3 seconds of the supervisor's booking.
Every page passes axe-core at WCAG 2.2 AA.

  /usr/bin/python3 test_web_caseload.py BUILD_DIR
"""
import datetime
import time

from selenium.webdriver.common.by import By

import webharness as wh


class WebCaseload(wh.Journey):
    @classmethod
    def arrange(cls, s):
        s.person("sam", "Sam Supervisor", "supervisor")
        s.person("pat", "Pat Practitioner", "practitioner")
        s.person("jo", "Jo Practitioner", "practitioner")
        s.agreement("sam", "pat")
        s.cli_ok("cli-sam", "case", "add", "--ref", "CH-201", "--name", "Alex Fictional", "--risk", "medium",
                 "--worker", "pat")
        when = (datetime.datetime.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%d 11:00")
        cls.session = s.cli_ok("cli-sam", "session", "add", "--with", "pat", "--at", when, "--minutes",
                               "60").strip().split()[-1]
        due = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
        s.cli_ok("cli-sam", "action", "add", cls.session, "--owner", "pat", "--due", due, "--description",
                 "Update Alex's plan with the new contact arrangements")

    def test_an_agreement_is_proposed_with_its_terms_and_signed(self):
        sam, jo = wh.browser(), wh.browser()
        try:
            self.login(sam, "sam")
            self.go(sam, "/agreements/new")
            self.check(sam)
            sam.find_element(By.ID, "supervisee").send_keys("jo")
            for field, text in (("every", "28"), ("booking", "First Tuesday of the month"),
                                ("cancellation", "Rebooked within a week"),
                                ("confidentiality", "Confidential unless a child is at risk"),
                                ("record_access", "Sam, Jo and the team manager"),
                                ("disagreements", "Recorded; unresolved ones go to the team manager"),
                                ("review_on", (datetime.date.today() + datetime.timedelta(days=180)).isoformat())):
                e = sam.find_element(By.ID, field)
                e.clear()
                e.send_keys(text)
            wh.submit(sam, "/agreements/new")
            self.assertRegex(sam.current_url, r"/agreements/\d+$", wh.problem(sam))
            self.assertIn("Waiting for signature", sam.page_source)
            self.check(sam)
            url = sam.current_url.replace(self.stack.base, "")

            self.login(jo, "jo")
            self.go(jo, "/agreements")
            self.check(jo)
            self.go(jo, url)
            self.assertIn("First Tuesday of the month", jo.page_source)
            wh.submit(jo, url + "/sign")
            self.assertIn("In force", jo.page_source)
        finally:
            sam.quit()
            jo.quit()

    def test_a_long_decision_log_is_read_page_by_page(self):
        s = self.stack
        s.cli_ok("cli-sam", "case", "add", "--ref", "CH-202", "--name", "Robin Fictional", "--risk", "high",
                 "--worker", "pat")
        when = (datetime.datetime.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%d 16:00")
        sid = s.cli_ok("cli-sam", "session", "add", "--with", "pat", "--at", when, "--minutes",
                       "60").strip().split()[-1]
        # Ten revisions, each deciding about Robin at length: more than one
        # page of the log (the server pages it at 512 KiB).
        for rev in range(1, 11):
            words = " ".join(f"revision-{rev}-point-{i}" for i in range(2800))  # about 60 KB
            text = (f"[case CH-202]\nsituation: Review number {rev}\ndecision: Decision {rev}: {words}\n"
                    f"rationale: Reason {rev}\n")
            args = ["record", "write", sid, "--file", "-"] + (["--reason", f"Review {rev}"] if rev > 1 else [])
            s.cli_ok("cli-sam", *args, stdin=text)
        pat = wh.browser()
        try:
            self.login(pat, "pat")
            self.go(pat, "/cases")
            pat.find_element(By.LINK_TEXT, "CH-202").click()
            case = pat.current_url.replace(self.stack.base, "")
            first = len(pat.find_elements(By.CSS_SELECTOR, ".govuk-summary-card"))
            self.assertGreater(first, 0)
            self.assertLess(first, 10, "not all ten on one page")
            pat.find_element(By.LINK_TEXT, "Show later decisions").click()
            later = len(pat.find_elements(By.CSS_SELECTOR, ".govuk-summary-card"))
            pages = 2
            while pat.find_elements(By.LINK_TEXT, "Show later decisions"):
                pat.find_element(By.LINK_TEXT, "Show later decisions").click()
                later += len(pat.find_elements(By.CSS_SELECTOR, ".govuk-summary-card"))
                pages += 1
                self.assertLess(pages, 12)
            self.assertEqual(first + later, 10, "every decision once, across the pages")
            self.assertIn("Decision 10:", pat.find_element(By.TAG_NAME, "main").text)
            self.check(pat)
            pat.find_element(By.LINK_TEXT, "Back to the first decisions").click()
            self.assertTrue(pat.current_url.endswith(case + "#decisions"), pat.current_url)
            self.assertIn("Decision 1:", pat.find_element(By.TAG_NAME, "main").text)
        finally:
            pat.quit()

    def test_the_caseload_a_case_and_closing_an_action(self):
        pat = wh.browser()
        try:
            self.login(pat, "pat")
            self.go(pat, "/cases")
            self.check(pat)
            pat.find_element(By.LINK_TEXT, "CH-201").click()
            self.assertIn("Alex Fictional", pat.page_source)
            self.assertIn("Medium risk", pat.page_source)
            self.check(pat)

            self.go(pat, "/actions")
            self.check(pat)
            pat.find_element(By.PARTIAL_LINK_TEXT, "Update Alex's plan").click()
            action = pat.current_url.replace(self.stack.base, "")
            wh.submit(pat, action + "/close")
            self.assertIn("Enter the evidence", pat.page_source, "evidence is required")
            self.check(pat)
            pat.find_element(By.ID, "evidence").send_keys("Plan updated and shared with the IRO on Monday")
            wh.submit(pat, action + "/close")
            self.assertIn("Done", pat.page_source)
            self.assertIn("shared with the IRO", pat.page_source)
            # Someone else's action answers like one that does not exist.
            jo = wh.browser()
            try:
                self.login(jo, "jo")
                self.go(jo, action)
                self.assertEqual(jo.title, "Page not found – Reflect")
            finally:
                jo.quit()
        finally:
            pat.quit()

    def test_a_live_notification_reaches_the_open_page_within_3_seconds(self):
        pat = wh.browser()
        try:
            self.login(pat, "pat")
            time.sleep(1.5)  # the page's event stream is open
            when = (datetime.datetime.now() + datetime.timedelta(days=6)).strftime("%Y-%m-%d 15:00")
            booked = time.monotonic()
            self.stack.cli_ok("cli-sam", "session", "add", "--with", "pat", "--at", when, "--minutes", "60")
            banner = wh.WebDriverWait(pat, 10, poll_frequency=0.1).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "#reflect-live .govuk-notification-banner"))
            took = time.monotonic() - booked
            print(f"live notification: {took:.2f} s after the booking")
            self.assertLess(took, 3.0)
            self.assertIn("Open it", banner[0].text)
            self.check(pat)
        finally:
            pat.quit()


if __name__ == "__main__":
    wh.main()
