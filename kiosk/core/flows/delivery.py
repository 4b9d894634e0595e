"""邮寄送达 in 我要办: after the form, how the result should come, asked one page at a time.

Where the item allows it (``postal_delivery`` in the catalogue), the application asks
窗口自取 or 邮寄送达. For the post, the address comes from the ID card, or is picked
province → city → county with the village group and house number keyed as digits
(3组12号), or is given at the counter later (到窗口补充); a phone number is required (the
form's phone is offered). Villagers cannot type Chinese: every page is a choice, the
place picker or a digit pad.

The pages are ordinary :class:`FieldStep` pages of pseudo-fields named ``delivery.*``
(a name no catalogue field can have), so a front-end that shows the form shows them too:
a one-column choice (an ``address`` field with options), the place picker, digit pads.
A front-end with a keyboard (the agent's tablet, ``typed_detail``) asks the same pages
but, after the county, one typed line below it (乡镇、村、组、门牌) instead of the two
digit pads. :class:`DeliveryQuestions` holds the answers and words the pages; the flow
stores the choice with the draft when the last page is answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.cases.delivery import AT_COUNTER, ID_CARD, PICKED, POST, ResultDelivery
from kiosk.core.catalogue import FormField
from kiosk.core.forms import FieldError, KeyedEntry, keyed_entry, keyed_short, normalise_phone
from kiosk.core.messages import Messages
from kiosk.core.next_steps import Sentence
from kiosk.core.regions import Region, place_name
from kiosk.core.wording import group_phone

PREFIX = "delivery."
METHOD, ADDRESS, PLACE, GROUP, HOUSE, DETAIL, PHONE = (
    PREFIX + name for name in ("method", "address", "place", "group", "house", "detail", "phone")
)
GROUP_ENTRY = KeyedEntry("digits", 3)  # 村民小组: 3组, 12组
HOUSE_ENTRY = KeyedEntry("digits", 5)  # 门牌: 12号


def is_delivery(name: str) -> bool:
    """True for the name of a delivery page (never a catalogue field's)."""
    return name.startswith(PREFIX)


@dataclass
class DeliveryQuestions:
    """The answers so far to the delivery pages, and the words of those pages.

    ``card_address``: the applicant's address as read from the ID card (offered, never
    chosen for them); ``place`` the place picked (a county), ``place_code`` its code;
    ``typed_detail``: the part below the county is typed on one page (a keyboard's
    front-end) rather than keyed as 组 and 号 on digit pads.
    """

    messages: Messages
    typed_detail: bool = False
    card_address: str = ""
    method: str | None = None  # pickup, post
    source: str | None = None  # id_card, picked, at_counter
    place: str = ""
    place_code: str = ""
    group: str = ""
    house: str = ""
    detail: str = ""  # typed: 李庄镇高石村3组8号
    phone: str = ""

    # -- the pages ---------------------------------------------------------------------------

    def names(self) -> tuple[str, ...]:
        """The pages a person sees with the answers so far (邮寄送达 adds the address pages)."""
        if self.method != POST:
            return (METHOD,)
        pages = [METHOD, ADDRESS]
        if self.source == PICKED:
            pages += [PLACE, DETAIL] if self.typed_detail else [PLACE, GROUP, HOUSE]
        return (*pages, PHONE)

    def following(self, name: str) -> str | None:
        """The page after ``name`` (None after the last)."""
        pages = self.names()
        index = pages.index(name) + 1
        return pages[index] if index < len(pages) else None

    def before(self, name: str) -> str | None:
        """The page before ``name`` (None before the first)."""
        pages = self.names()
        index = pages.index(name)
        return pages[index - 1] if index else None

    def _t(self, key: str, **values: object) -> str:
        return self.messages.get(key, **values)

    def options(self, name: str) -> tuple[str, ...]:
        """The choices of a choice page, in the words shown."""
        if name == METHOD:
            return (self._t("delivery.method.pickup"), self._t("delivery.method.post"))
        if name == ADDRESS:
            card = (self._t("delivery.address.card", address=self.card_address),)
            return (
                *(card if self.card_address else ()),
                self._t(self._pick_key()),
                self._t("delivery.address.counter"),
            )
        return ()

    def _pick_key(self) -> str:
        return "delivery.address.pick_typed" if self.typed_detail else "delivery.address.pick"

    def form_field(self, name: str) -> FormField:
        """The page as a form field: its label, its kind, whether it must be answered."""
        kinds = {PLACE: "address", GROUP: "number", HOUSE: "number", DETAIL: "text"}
        kinds[PHONE] = "phone"
        label = self._t(f"{name}.label")
        kind = kinds.get(name, "address")  # the choices: one column, as an address's
        return FormField(name, label, kind, name not in (GROUP, HOUSE), self.options(name))

    def entry(self, name: str) -> KeyedEntry | None:
        """The digit pad of a keyed page."""
        if name == GROUP:
            return GROUP_ENTRY
        if name == HOUSE:
            return HOUSE_ENTRY
        return keyed_entry(self.form_field(name)) if name == PHONE else None

    def value(self, name: str, phone_hint: str = "") -> str:
        """What the page holds: the choice made, the place, the digits (the phone: the one
        given on the form, until another is keyed)."""
        if name == METHOD and self.method:
            return self.options(METHOD)[self.method == POST]
        if name == ADDRESS and self.source:
            return self._source_option(self.source)
        return {
            PLACE: self.place,
            GROUP: self.group,
            HOUSE: self.house,
            DETAIL: self.detail,
            PHONE: self.phone or phone_hint,
        }.get(name, "")

    def _source_option(self, source: str) -> str:
        keys = {
            ID_CARD: "delivery.address.card",
            PICKED: self._pick_key(),
            AT_COUNTER: "delivery.address.counter",
        }
        return self._t(keys[source], address=self.card_address)

    # -- the answers -------------------------------------------------------------------------

    def wrong(self, name: str, value: str) -> FieldError | None:
        """What is wrong with ``value`` for page ``name`` (None: nothing)."""
        f = self.form_field(name)
        text = (value or "").strip()
        if name in (METHOD, ADDRESS):
            ok = text in self.options(name)
            return None if ok else FieldError(name, f.label, "delivery.choose")
        if name == PLACE and not text:
            return FieldError(name, f.label, "delivery.place.missing")
        if name in (GROUP, HOUSE) and text and not text.isdigit():
            return FieldError(name, f.label, "field.number")
        if name == DETAIL and not text:
            return FieldError(name, f.label, "form.missing")
        if name == PHONE:
            if not text:
                return FieldError(name, f.label, "form.missing")
            short = keyed_short(f, text)
            if short:
                return short
            if normalise_phone(text) is None:
                return FieldError(name, f.label, "field.phone")
        return None

    def answer(self, name: str, value: str) -> None:
        """Keep the (checked) answer of page ``name``."""
        text = (value or "").strip()
        if name == METHOD:
            self.method = POST if text == self.options(METHOD)[1] else "pickup"
        elif name == ADDRESS:
            sources = [ID_CARD] * bool(self.card_address) + [PICKED, AT_COUNTER]
            self.source = sources[self.options(ADDRESS).index(text)]
        elif name == GROUP:
            self.group = text.lstrip("0")
        elif name == HOUSE:
            self.house = text.lstrip("0")
        elif name == DETAIL:
            self.detail = "".join(text.split())
        elif name == PHONE:
            self.phone = normalise_phone(text) or text

    def picked(self, path: tuple[Region, ...]) -> None:
        """The place chosen (``path`` down to a county, or to a city without counties), or
        none yet (empty)."""
        self.place = place_name(path)
        self.place_code = path[-1].code if path else ""

    def choice(self) -> ResultDelivery:
        """The answers as the case keeps them (checked by the case service)."""
        if self.method != POST:
            return ResultDelivery("pickup")
        address, region = None, None
        if self.source == ID_CARD:
            address = self.card_address
        elif self.source == PICKED:
            address, region = self.place + self._below_county(), self.place_code
        return ResultDelivery(POST, address, self.source, region, self.phone)

    def _below_county(self) -> str:
        if self.typed_detail:
            return self.detail
        return (f"{self.group}组" if self.group else "") + (f"{self.house}号" if self.house else "")

    def restore(self, stored: ResultDelivery, path: tuple[Region, ...]) -> None:
        """The answers of a choice stored with a draft taken up again on a keyboard's
        front-end (only an agent's tablet takes drafts up; ``path``: the picked county's
        places), so its pages show it: what is below the county comes back as typed."""
        self.method = stored.method
        if not stored.posted:
            return
        self.source, self.phone = stored.address_source, stored.phone or ""
        if self.source == ID_CARD:
            self.card_address = stored.address or ""
        elif self.source == PICKED:
            self.picked(path)
            self.detail = (stored.address or "").removeprefix(self.place)


def review_text(delivery: ResultDelivery, messages: Messages) -> str:
    """The choice on the review page: 窗口自取, or where it is posted and the phone."""
    if not delivery.posted:
        return messages.get("delivery.review.pickup")
    phone = group_phone(delivery.phone or "")
    if delivery.address_source == AT_COUNTER:
        return messages.get("delivery.review.post_later", phone=phone)
    return messages.get("delivery.review.post", address=delivery.address, phone=phone)


def result_line(delivery: ResultDelivery | None, counters: str) -> Sentence | None:
    """How the result comes, for the receipt's next steps (None: collected at the counter,
    said by the usual line)."""
    if delivery is None or not delivery.posted:
        return None
    if delivery.address_source == AT_COUNTER:
        return Sentence.of("next.receipt.post_address_later", counters=counters)
    return Sentence.of("next.receipt.posted")
