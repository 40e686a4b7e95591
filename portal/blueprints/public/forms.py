"""Public forms: the dossier lookup."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Regexp

from portal.blueprints.forms import required
from portal.core.forms import fits, stripped, too_long
from portal.dossiers.models import Dossier


class LookupForm(FlaskForm):
    """A GET form (bookmarkable, no session needed): nothing is shown without the second
    factor, and the throttle, not a CSRF token, limits guessing (portal.dossiers.lookup)."""

    class Meta:
        csrf = False

    ma = StringField(_l("Mã hồ sơ"), validators=[required(_l("mã hồ sơ")), fits(Dossier.code)],
                     filters=[stripped])
    # [0-9], not \d: Python's \d also takes other scripts' digits.
    so = StringField(_l("4 chữ số cuối số điện thoại hoặc số CCCD của người nộp"),
                     validators=[required(_l("4 chữ số cuối")), too_long(10),
                                 Regexp(r"^\s*[0-9]{4}\s*$",
                                        message=_l("Vui lòng nhập đúng 4 chữ số."))],
                     render_kw={"inputmode": "numeric", "maxlength": 4})
