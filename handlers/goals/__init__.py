"""/goals, /review, /addgoal and the goal buttons and forms.

actions.py: /goals and the goal screens' buttons; review.py: /review and the closing review;
goal_form.py and step_note_forms.py: the guided forms (pending input, shared parts in
forms.py); screens.py: rights checks and screen composition. Buttons: bot/goals/keyboards.py.
"""

from __future__ import annotations

from telegram.ext import Application

from handlers.goals import actions, forms, goal_form, review, step_note_forms


def register(app: Application) -> None:
    goal_form.register(app)
    step_note_forms.register(app)
    forms.register(app)
    actions.register(app)
    review.register(app)
    # Last: goal button data no handler above took (an old form, stale or forged data).
    forms.register_fallback(app)
    actions.register_fallback(app)
