"""The page walker: every HTML page of the URL map, filled from the Danzhai demo, and which of
them each demo role (and nobody signed in) may open. Shared by the language walk
(tests/pagewalk/test_language.py) and the 360 px browser walk (tests/e2e/)."""
