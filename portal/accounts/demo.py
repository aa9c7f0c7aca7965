"""Demo data of accounts: the administration of Musterstadt and about 40 members of staff."""

from __future__ import annotations

from portal.accounts.models import Municipality, OrgUnit, OrgUnitKind, Role
from portal.accounts.services import (
    DEMO_PASSWORD,
    OrgUnitData,
    UserData,
    create_org_unit,
    create_user,
    hash_password,
    rename_municipality,
)

#: (code, name, kind, parent code)
ORG_UNITS = [
    ("Dez. I", "Verwaltungsführung, Personal und Digitalisierung", OrgUnitKind.DEZERNAT, None),
    ("Stabsstelle D", "Stabsstelle Digitalisierung", OrgUnitKind.STABSSTELLE, "Dez. I"),
    ("Amt 10", "Hauptamt", OrgUnitKind.AMT, "Dez. I"),
    ("Amt 11", "Personal- und Organisationsamt", OrgUnitKind.AMT, "Dez. I"),
    ("11.1", "Personalentwicklung", OrgUnitKind.ABTEILUNG, "Amt 11"),
    ("11.2", "Organisation und Prozessmanagement", OrgUnitKind.ABTEILUNG, "Amt 11"),
    ("Amt 12", "Amt für Informationstechnik", OrgUnitKind.AMT, "Dez. I"),
    ("Dez. II", "Finanzen, Bürgerdienste und Ordnung", OrgUnitKind.DEZERNAT, None),
    ("Amt 20", "Kämmerei", OrgUnitKind.AMT, "Dez. II"),
    ("Amt 32", "Ordnungsamt", OrgUnitKind.AMT, "Dez. II"),
    ("Amt 33", "Bürgeramt", OrgUnitKind.AMT, "Dez. II"),
    ("33.1", "Bürgerbüro Mitte", OrgUnitKind.ABTEILUNG, "Amt 33"),
    ("33.2", "Standesamt", OrgUnitKind.ABTEILUNG, "Amt 33"),
    ("Dez. III", "Bildung, Jugend und Soziales", OrgUnitKind.DEZERNAT, None),
    ("Amt 40", "Schulverwaltungsamt", OrgUnitKind.AMT, "Dez. III"),
    ("Amt 50", "Sozialamt", OrgUnitKind.AMT, "Dez. III"),
    ("Amt 51", "Jugendamt", OrgUnitKind.AMT, "Dez. III"),
    ("Dez. IV", "Planen, Bauen und Umwelt", OrgUnitKind.DEZERNAT, None),
    ("Amt 61", "Stadtplanungsamt", OrgUnitKind.AMT, "Dez. IV"),
    ("Amt 63", "Bauordnungsamt", OrgUnitKind.AMT, "Dez. IV"),
    ("Amt 66", "Tiefbauamt", OrgUnitKind.AMT, "Dez. IV"),
    ("Amt 70", "Umweltamt", OrgUnitKind.AMT, "Dez. IV"),
    ("Dez. V", "Kultur, Sport und Wirtschaft", OrgUnitKind.DEZERNAT, None),
    ("Amt 41", "Kulturamt", OrgUnitKind.AMT, "Dez. V"),
    ("Amt 52", "Sportamt", OrgUnitKind.AMT, "Dez. V"),
    ("Amt 80", "Amt für Wirtschaftsförderung", OrgUnitKind.AMT, "Dez. V"),
]

E, M, A, B, S, AD = (
    Role.EMPLOYEE,
    Role.MODERATOR,
    Role.ASSESSOR,
    Role.BOARD_MEMBER,
    Role.STAFF_COUNCIL,
    Role.ADMIN,
)

#: (e-mail local part, name, org unit code, roles, locale)
USERS = [
    ("admin", "Katrin Vogel", "Amt 12", {AD, E}, "de"),
    ("moderation", "Jonas Albrecht", "Stabsstelle D", {M, E}, "de"),
    ("bewertung", "Dr. Miriam Hoffmann", "11.2", {A, E}, "de"),
    ("lenkung", "Stefan Brandt", "Dez. I", {B, E}, "de"),
    ("personalrat", "Sabine Kühn", "Amt 10", {S, E}, "de"),
    ("mitarbeiterin", "Aylin Demir", "33.1", {E}, "de"),
    ("c.schneider", "Claudia Schneider", "Stabsstelle D", {M, E}, "de"),
    ("t.weber", "Thomas Weber", "Dez. II", {B, E}, "de"),
    ("a.fischer", "Andrea Fischer", "Dez. III", {B, E}, "de"),
    ("m.wagner", "Markus Wagner", "Dez. IV", {B, E}, "de"),
    ("p.becker", "Petra Becker", "Dez. V", {B, E}, "de"),
    ("h.schulz", "Heike Schulz", "Amt 11", {B, E}, "de"),
    ("f.hartmann", "Frank Hartmann", "Amt 20", {A, E}, "de"),
    ("n.krueger", "Nadine Krüger", "Amt 12", {A, E}, "de"),
    ("o.lange", "Oliver Lange", "11.1", {A, E}, "de"),
    ("j.schmitt", "Julia Schmitt", "Amt 61", {A, E}, "de"),
    ("r.werner", "Ralf Werner", "Amt 10", {S, E}, "de"),
    ("b.krause", "Birgit Krause", "Amt 51", {S, E}, "de"),
    ("l.meier", "Lena Meier", "33.1", {E}, "de"),
    ("s.lehmann", "Sven Lehmann", "33.2", {E}, "de"),
    ("k.koehler", "Kerstin Köhler", "Amt 32", {E}, "de"),
    ("d.herrmann", "Daniel Herrmann", "Amt 32", {E}, "de"),
    ("m.koenig", "Monika König", "Amt 40", {E}, "de"),
    ("y.yilmaz", "Yusuf Yılmaz", "Amt 50", {E}, "de"),
    ("e.walter", "Elke Walter", "Amt 50", {E}, "de"),
    ("t.mayer", "Tobias Mayer", "Amt 51", {E}, "de"),
    ("c.huber", "Christina Huber", "Amt 63", {E}, "de"),
    ("u.kaiser", "Uwe Kaiser", "Amt 66", {E}, "de"),
    ("a.fuchs", "Anja Fuchs", "Amt 70", {E}, "de"),
    ("m.peters", "Marco Peters", "Amt 70", {E}, "de"),
    ("s.scholz", "Susanne Scholz", "Amt 41", {E}, "de"),
    ("b.moeller", "Benjamin Möller", "Amt 52", {E}, "de"),
    ("i.weiss", "Ines Weiß", "Amt 80", {E}, "de"),
    ("g.jung", "Gregor Jung", "Amt 12", {B, E}, "de"),
    ("v.hahn", "Verena Hahn", "Amt 12", {E}, "en"),
    ("w.schubert", "Werner Schubert", "Amt 20", {E}, "de"),
    ("n.vogt", "Nicole Vogt", "11.1", {E}, "de"),
    ("k.friedrich", "Kai Friedrich", "Amt 66", {E}, "de"),
    ("l.keller", "Lisa Keller", "Amt 61", {E}, "de"),
    ("r.guenther", "Rainer Günther", "Amt 10", {E}, "de"),
    ("j.roth", "Johanna Roth", None, {E}, "de"),
]


def email_of(local_part: str) -> str:
    """Return the demo e-mail address of *local_part*."""
    return f"{local_part}@musterstadt.example"


def load(municipality: Municipality) -> dict[str, int]:
    """Create Musterstadt's org units and users through the services; return how many of each."""
    rename_municipality(municipality, "Stadt Musterstadt")
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent in ORG_UNITS:
        units[code] = create_org_unit(
            OrgUnitData(kind, code, name, units[parent].id if parent else None)
        )
    shared_hash = hash_password(DEMO_PASSWORD)
    for local_part, name, unit, roles, locale in USERS:
        create_user(
            UserData(
                name=name,
                email=email_of(local_part),
                org_unit_id=units[unit].id if unit else None,
                locale=locale,
                roles=frozenset(roles),
            ),
            DEMO_PASSWORD,
            must_change_password=False,
            password_hash=shared_hash,
            demo=True,
        )
    return {"units": len(units), "users": len(USERS)}
