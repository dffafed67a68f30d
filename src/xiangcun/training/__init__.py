"""Training: courses, quizzes, in-person sessions and certificates for farmers."""
