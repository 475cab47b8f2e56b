"""Sessions in a real Chromium: a supervisor books a session with a
practitioner through the form (refused first for a date that is not real),
finds it in the list and on its page, moves it with a reason, and marks it
held; the practitioner sees it on their home page. A group session books
with several members. Every page passes axe-core at WCAG 2.2 AA.

  /usr/bin/python3 test_web_sessions.py BUILD_DIR
"""
import datetime

from selenium.webdriver.common.by import By

import webharness as wh


class WebSessions(wh.Journey):
    @classmethod
    def arrange(cls, s):
        s.person("sam", "Sam Supervisor", "supervisor")
        for u in ("pat", "jo", "lee"):
            s.person(u, u.title() + " Practitioner", "practitioner")
            s.agreement("sam", u)

    def setUp(self):
        self.d = wh.browser()

    def tearDown(self):
        self.d.quit()

    def go(self, path):
        self.d.get(self.stack.base + path)

    def login(self, user):
        self.go("/login")
        self.d.find_element(By.ID, "username").send_keys(user)
        self.d.find_element(By.ID, "password").send_keys(wh.PASSWORD)
        wh.submit(self.d, "/login")
        self.assertEqual(self.d.title, "My supervision – Reflect")

    def fill_time(self, prefix, when):
        for part, v in (("day", when.day), ("month", when.month), ("year", when.year), ("hour", when.hour),
                        ("minute", when.minute)):
            e = self.d.find_element(By.ID, f"{prefix}-{part}")
            e.clear()
            e.send_keys(str(v))

    def book(self, members, when, minutes="60", room="Room 2"):
        self.go("/sessions/new")
        self.d.find_element(By.ID, "members").send_keys(members)
        self.fill_time("when", when)
        m = self.d.find_element(By.ID, "minutes")
        m.clear()
        m.send_keys(minutes)
        self.d.find_element(By.ID, "room").send_keys(room)
        wh.submit(self.d, "/sessions/new")

    def test_a_supervisor_books_moves_and_marks_a_session_the_practitioner_sees_it(self):
        self.login("sam")
        self.go("/sessions")
        self.check(self.d)
        self.go("/sessions/new")
        self.check(self.d)
        # 31 April does not exist: the form says so and keeps what was typed.
        self.d.find_element(By.ID, "members").send_keys("pat")
        for part, v in (("day", "31"), ("month", "4"), ("year", "2031"), ("hour", "10"), ("minute", "00")):
            self.d.find_element(By.ID, f"when-{part}").send_keys(v)
        wh.submit(self.d, "/sessions/new")
        self.assertIn("Enter a real date", self.d.page_source)
        self.assertEqual(self.d.find_element(By.ID, "members").get_attribute("value"), "pat")
        self.check(self.d)

        when = (datetime.datetime.now() + datetime.timedelta(days=3)).replace(hour=10, minute=0, second=0,
                                                                                microsecond=0)
        self.book("pat", when)
        self.assertRegex(self.d.current_url, r"/sessions/\d+$")
        session_url = self.d.current_url
        self.assertIn("Room 2", self.d.page_source)
        self.assertIn("Booked", self.d.page_source)
        self.check(self.d)

        self.go("/sessions")
        self.assertIn("pat", self.d.find_element(By.TAG_NAME, "table").text)

        # Move it two days later, with a reason that shows in the history.
        self.d.get(session_url + "/move")
        self.check(self.d)
        self.fill_time("when", when + datetime.timedelta(days=2))
        self.d.find_element(By.ID, "reason").send_keys("Pat is on a course that day")
        wh.submit(self.d, session_url.replace(self.stack.base, "") + "/move")
        self.assertEqual(self.d.current_url, session_url)
        self.assertIn("Pat is on a course that day", self.d.page_source)
        self.assertIn("Moved by sam", self.d.page_source)

        # Missed needs a reason: refused without one, the choice kept.
        self.d.find_element(By.CSS_SELECTOR, "input[name=status][value=missed]").click()
        wh.submit(self.d, session_url.replace(self.stack.base, "") + "/status")
        self.assertIn("There is a problem", self.d.page_source)
        self.assertTrue(self.d.find_element(By.CSS_SELECTOR, "input[name=status][value=missed]").is_selected())
        self.check(self.d)

        # The practitioner sees it on their home page.
        pat = wh.browser()
        try:
            self.d, mine = pat, self.d
            self.login("pat")
            self.assertIn("Your next sessions", self.d.page_source)
            self.assertIn("sam", self.d.find_element(By.TAG_NAME, "table").text)
            self.d.find_element(By.CSS_SELECTOR, "table a").click()
            self.assertEqual(self.d.current_url, session_url)
            self.assertNotIn("Update this session", self.d.page_source, "only the supervisor marks it")
        finally:
            pat.quit()
            self.d = mine

    def test_a_group_session_books_with_several_members(self):
        self.login("sam")
        when = (datetime.datetime.now() + datetime.timedelta(days=5)).replace(hour=14, minute=30, second=0,
                                                                                microsecond=0)
        self.book("pat, jo, lee", when, minutes="90", room="Large meeting room")
        self.assertIn("Group supervision", self.d.page_source)
        for name in ("pat", "jo", "lee"):
            self.assertIn(name, self.d.find_element(By.CSS_SELECTOR, ".govuk-summary-list").text)

    def test_someone_elses_session_answers_like_one_that_does_not_exist(self):
        self.login("sam")
        when = (datetime.datetime.now() + datetime.timedelta(days=9)).replace(hour=9, minute=0, second=0,
                                                                                microsecond=0)
        self.book("jo", when)
        url = self.d.current_url.replace(self.stack.base, "")
        lee = wh.browser()
        try:
            self.d, mine = lee, self.d
            self.login("lee")
            self.go(url)
            theirs = (self.d.title, self.d.find_element(By.TAG_NAME, "main").text)
            self.go("/sessions/999999")
            missing = (self.d.title, self.d.find_element(By.TAG_NAME, "main").text)
            self.assertEqual(theirs, missing)
            self.assertEqual(theirs[0], "Page not found – Reflect")
        finally:
            lee.quit()
            self.d = mine


if __name__ == "__main__":
    wh.main()
