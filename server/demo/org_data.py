"""The fictional demo organisation: the 'Larkspur' chain's regions, branches and staff."""

from __future__ import annotations

from typing import NamedTuple

DEMO_DOMAIN = "demo.fieldaudit.org"
DEMO_PASSWORD = "fieldaudit-demo"
CHAIN = "Larkspur"
ORGANISATION = f"{CHAIN} Stores"
"""The organisation's name (the sender of its e-mail)."""


class DemoRegion(NamedTuple):
    code: str
    name: str


class DemoBranch(NamedTuple):
    region: str
    code: str
    name: str
    address: str
    lat: float
    lon: float


class DemoUser(NamedTuple):
    email: str
    name: str
    role: str
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)


REGIONS = (
    DemoRegion("LON", "Greater London"),
    DemoRegion("NOR", "North of England"),
    DemoRegion("EUR", "Continental Europe"),
)

# Real high streets with made-up shop numbers: plausible, and no real business is implied.
BRANCHES = (
    DemoBranch("LON", "LON-01", "Camden", "212 Camden High Street, London NW1 8QR, United Kingdom", 51.5390, -0.1426),
    DemoBranch("LON", "LON-02", "Islington", "147 Upper Street, London N1 1RA, United Kingdom", 51.5382, -0.1030),
    DemoBranch(
        "LON", "LON-03", "Shoreditch", "96 Shoreditch High Street, London E1 6JQ, United Kingdom", 51.5262, -0.0781
    ),
    DemoBranch(
        "LON", "LON-04", "Canary Wharf", "Unit 14, Cabot Place, London E14 4QT, United Kingdom", 51.5050, -0.0195
    ),
    DemoBranch("LON", "LON-05", "Clapham", "58 Clapham High Street, London SW4 7UL, United Kingdom", 51.4621, -0.1381),
    DemoBranch("LON", "LON-06", "Brixton", "431 Brixton Road, London SW9 8HE, United Kingdom", 51.4613, -0.1150),
    DemoBranch("LON", "LON-07", "Hammersmith", "173 King Street, London W6 9JT, United Kingdom", 51.4925, -0.2270),
    DemoBranch("LON", "LON-08", "Richmond", "29 George Street, Richmond TW9 1HY, United Kingdom", 51.4601, -0.3050),
    DemoBranch("LON", "LON-09", "Greenwich", "11 Church Street, London SE10 9BJ, United Kingdom", 51.4810, -0.0090),
    DemoBranch("LON", "LON-10", "Stratford", "64 The Broadway, London E15 1NG, United Kingdom", 51.5420, -0.0030),
    DemoBranch("LON", "LON-11", "Wimbledon", "35 The Broadway, London SW19 1RG, United Kingdom", 51.4200, -0.2050),
    DemoBranch(
        "LON", "LON-12", "Kensington", "120 Kensington High Street, London W8 7RL, United Kingdom", 51.5010, -0.1920
    ),
    DemoBranch(
        "NOR", "NOR-01", "Manchester Deansgate", "81 Deansgate, Manchester M3 2BW, United Kingdom", 53.4810, -2.2490
    ),
    DemoBranch(
        "NOR",
        "NOR-02",
        "Manchester Market Street",
        "44 Market Street, Manchester M1 1PW, United Kingdom",
        53.4825,
        -2.2400,
    ),
    DemoBranch("NOR", "NOR-03", "Leeds Briggate", "102 Briggate, Leeds LS1 6BR, United Kingdom", 53.7980, -1.5420),
    DemoBranch("NOR", "NOR-04", "Sheffield Fargate", "17 Fargate, Sheffield S1 2HD, United Kingdom", 53.3815, -1.4690),
    DemoBranch(
        "NOR", "NOR-05", "Liverpool Bold Street", "69 Bold Street, Liverpool L1 4EZ, United Kingdom", 53.4020, -2.9800
    ),
    DemoBranch(
        "NOR",
        "NOR-06",
        "Newcastle Grey Street",
        "23 Grey Street, Newcastle upon Tyne NE1 6EE, United Kingdom",
        54.9710,
        -1.6110,
    ),
    DemoBranch("NOR", "NOR-07", "York Stonegate", "8 Stonegate, York YO1 8AS, United Kingdom", 53.9615, -1.0830),
    DemoBranch(
        "NOR", "NOR-08", "Hull Whitefriargate", "40 Whitefriargate, Hull HU1 2HU, United Kingdom", 53.7440, -0.3330
    ),
    DemoBranch(
        "NOR", "NOR-09", "Bradford Broadway", "Unit 31, Broadway, Bradford BD1 1US, United Kingdom", 53.7940, -1.7520
    ),
    DemoBranch(
        "NOR", "NOR-10", "Preston Fishergate", "125 Fishergate, Preston PR1 2DR, United Kingdom", 53.7580, -2.7040
    ),
    DemoBranch(
        "NOR", "NOR-11", "Durham Saddler Street", "52 Saddler Street, Durham DH1 3NU, United Kingdom", 54.7755, -1.5745
    ),
    DemoBranch(
        "NOR",
        "NOR-12",
        "Lancaster Penny Street",
        "19 Penny Street, Lancaster LA1 1XT, United Kingdom",
        54.0470,
        -2.8010,
    ),
    DemoBranch("EUR", "EUR-01", "Paris Rivoli", "118 rue de Rivoli, 75001 Paris, France", 48.8590, 2.3470),
    DemoBranch("EUR", "EUR-02", "Lyon République", "54 rue de la République, 69002 Lyon, France", 45.7620, 4.8360),
    DemoBranch(
        "EUR", "EUR-03", "Berlin Friedrichstraße", "Friedrichstraße 67, 10117 Berlin, Deutschland", 52.5160, 13.3880
    ),
    DemoBranch(
        "EUR", "EUR-04", "München Kaufingerstraße", "Kaufingerstraße 22, 80331 München, Deutschland", 48.1380, 11.5720
    ),
    DemoBranch("EUR", "EUR-05", "Madrid Fuencarral", "Calle de Fuencarral 45, 28004 Madrid, España", 40.4260, -3.7010),
    DemoBranch(
        "EUR", "EUR-06", "Barcelona Passeig de Gràcia", "Passeig de Gràcia 33, 08007 Barcelona, España", 41.3920, 2.1650
    ),
    DemoBranch("EUR", "EUR-07", "Warszawa Nowy Świat", "Nowy Świat 26, 00-373 Warszawa, Polska", 52.2330, 21.0190),
    DemoBranch("EUR", "EUR-08", "Kraków Floriańska", "ul. Floriańska 14, 31-021 Kraków, Polska", 50.0630, 19.9400),
    DemoBranch(
        "EUR", "EUR-09", "Amsterdam Kalverstraat", "Kalverstraat 112, 1012 PK Amsterdam, Nederland", 52.3700, 4.8920
    ),
    DemoBranch("EUR", "EUR-10", "Bruxelles Rue Neuve", "Rue Neuve 61, 1000 Bruxelles, Belgique", 50.8520, 4.3560),
    DemoBranch(
        "EUR", "EUR-11", "Wien Mariahilfer Straße", "Mariahilfer Straße 77, 1060 Wien, Österreich", 48.1980, 16.3520
    ),
    DemoBranch("EUR", "EUR-12", "Lisboa Rua Augusta", "Rua Augusta 190, 1100-053 Lisboa, Portugal", 38.7100, -9.1370),
)


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


USERS = (
    DemoUser(_email("admin"), "Alex Morgan", "admin"),
    DemoUser(_email("manager.london"), "Priya Shah", "manager", ("LON",)),
    DemoUser(_email("manager.north"), "Tom Whitaker", "manager", ("NOR",)),
    DemoUser(_email("manager.europe"), "Camille Laurent", "manager", ("EUR",)),
    DemoUser(_email("emma.clarke"), "Emma Clarke", "shopper", ("LON",), ("en",)),
    DemoUser(_email("amira.haddad"), "Amira Haddad", "shopper", ("LON",), ("en", "ar")),
    DemoUser(_email("kenji.sato"), "Kenji Sato", "shopper", ("NOR",), ("en", "ja")),
    DemoUser(_email("zofia.nowak"), "Zofia Nowak", "shopper", ("NOR", "EUR"), ("pl", "en")),
    DemoUser(_email("jonas.weber"), "Jonas Weber", "shopper", ("EUR",), ("de", "fr")),
    DemoUser(_email("lucia.garcia"), "Lucía García", "shopper", ("EUR",), ("es", "fr")),
)
"""For shoppers, `regions` are the regions they are sent to (only managers are linked to regions in the database)."""

INVITED = DemoUser(_email("noah.bennett"), "Noah Bennett", "shopper", ("LON",))
"""Invited by e-mail, not yet joined: no password, so no demo log-in."""
