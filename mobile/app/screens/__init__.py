"""One module per screen; SCREENS lists them for the App's ScreenManager."""

from .assignments import AssignmentsScreen
from .review import ReviewScreen
from .sent import SentScreen
from .settings import SettingsScreen
from .signin import SignInScreen
from .visit import VisitScreen

SCREENS = (SignInScreen, AssignmentsScreen, VisitScreen, ReviewScreen, SentScreen, SettingsScreen)
