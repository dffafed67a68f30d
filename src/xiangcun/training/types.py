"""Plain values the training app hands to pages, the API and other apps."""

import datetime
from dataclasses import dataclass

# The course the fresh-food listing policy asks for (catalog reads it through
# `selectors.food_safety_certified`).
FOOD_SAFETY_COURSE_SLUG = "food-safety-traceability"


@dataclass(frozen=True)
class CourseProgress:
    lessons_total: int
    lessons_read: int
    read_lesson_ids: frozenset[int]
    has_quiz: bool
    quiz_passed: bool
    best_score: int | None
    session_required: bool
    session_attended: bool
    certificate_code: str | None

    @property
    def complete(self) -> bool:
        return (
            self.lessons_read >= self.lessons_total
            and (self.quiz_passed or not self.has_quiz)
            and (self.session_attended or not self.session_required)
        )


@dataclass(frozen=True)
class CertificateCheck:
    """What the public verification page shows of a certificate."""

    code: str
    valid: bool
    revoked: bool
    course: str
    holder_masked: str
    issued_on: datetime.date


@dataclass(frozen=True)
class AttendanceOutcome:
    registration_id: int
    status: str
    duplicate: bool


@dataclass(frozen=True)
class TownshipResult:
    township: str
    learners: int
    quizzes_passed: int
    certificates: int


# --- For the programme's figures (impact) ---------------------------------------------------


@dataclass(frozen=True)
class CertificateFact:
    """A completion as the impact figures read it: the holder, the course's area, the day."""

    certificate_id: int
    holder_id: int
    area: str
    issued_on: datetime.date
