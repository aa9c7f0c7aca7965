# ruff: noqa: E501 - the demo texts are prose and read better unbroken
"""Demo ideas of Musterstadt: about 80 ideas in every state, with supports, comments and history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.accounts.demo import email_of
from portal.accounts.models import Municipality, OrgUnit, User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import (
    Comment,
    FieldOfAction,
    Idea,
    IdeaEvent,
    IdeaState,
    Support,
    Tag,
)
from portal.ideas.services import OPEN_STATES

S = IdeaState

FIELDS = {
    "BS": (
        "Bürger-Services",
        "Leistungen für Bürgerinnen und Bürger: online, verständlich, schnell.",
    ),
    "A4": ("Arbeiten 4.0", "Mobiles Arbeiten, neue Arbeitsformen, Zusammenarbeit und Führung."),
    "EA": ("E-Akte", "Elektronische Aktenführung und digitale Vorgangsbearbeitung."),
    "IT": ("Digitale Infrastruktur", "Netze, Geräte, Fachverfahren und IT-Sicherheit."),
    "PQ": ("Personal und Qualifizierung", "Fortbildung, Einarbeitung, Gewinnung von Fachkräften."),
    "KU": ("Klima und Umwelt", "Nachhaltige Verwaltung und Umweltschutz im Alltag."),
    "KB": (
        "Kommunikation und Beteiligung",
        "Interne Kommunikation, Transparenz, Bürgerbeteiligung.",
    ),
}

#: (field, title, problem, proposal, tags, org unit codes)
IDEAS = [
    (
        "BS",
        "Online-Terminvergabe für alle Dienstleistungen des Bürgeramts",
        "Termine gibt es nur telefonisch; die Hotline ist morgens dauerhaft besetzt.",
        "Eine Online-Terminvergabe für **alle** Leistungen des Bürgeramts mit Erinnerung per E-Mail.",
        "terminvergabe, bürgeramt",
        ["Amt 33", "33.1"],
    ),
    (
        "BS",
        "Wartenummern-Anzeige auf dem Smartphone",
        "Wartende sitzen stundenlang im Flur, weil sie ihren Aufruf nicht verpassen wollen.",
        "Die Wartenummer per QR-Code aufs Smartphone holen und benachrichtigt werden, wenn man dran ist.",
        "bürgerbüro, wartezeit",
        ["33.1"],
    ),
    (
        "BS",
        "Anträge auf Anwohnerparkausweis vollständig online",
        "Der Antrag muss ausgedruckt, unterschrieben und persönlich abgegeben werden.",
        "Online-Antrag mit Bezahlung per Giropay/PayPal und Zusendung des Ausweises per Post.",
        "formulare, ordnungsamt",
        ["Amt 32"],
    ),
    (
        "BS",
        "Mehrsprachige Formulare im Bürgerportal",
        "Viele Antragstellende verstehen die deutschen Formulare nicht und brauchen Hilfe am Schalter.",
        "Die 20 häufigsten Formulare zusätzlich auf Englisch, Türkisch, Arabisch und Ukrainisch anbieten.",
        "formulare, barrierefreiheit",
        ["Amt 33", "Amt 50"],
    ),
    (
        "BS",
        "Chatbot für häufige Fragen zum Bürgeramt",
        "Die Hälfte der Anrufe betrifft Öffnungszeiten, Unterlagen und Gebühren.",
        "Ein einfacher FAQ-Chatbot auf der Website, der auf die Leistungsbeschreibungen verweist.",
        "bürgeramt, website",
        ["Amt 33", "Amt 12"],
    ),
    (
        "BS",
        "Digitale Anmeldung von Kita-Plätzen",
        "Eltern müssen sich in jeder Kita einzeln auf Papier anmelden; Doppelanmeldungen sind die Regel.",
        "Ein zentrales Kita-Portal mit Wunschliste und transparentem Vergabestand.",
        "kita, jugendamt",
        ["Amt 51"],
    ),
    (
        "BS",
        "Sperrmüll online anmelden",
        "Die Anmeldung per Postkarte ist umständlich und die Termine kommen spät.",
        "Online-Formular mit Terminwahl und automatischer Bestätigung.",
        "formulare, umwelt",
        ["Amt 70"],
    ),
    (
        "BS",
        "Bauanträge digital einreichen",
        "Bauanträge kommen in mehrfacher Papierausfertigung; Nachforderungen dauern Wochen.",
        "Digitaler Bauantrag mit Upload der Bauvorlagen und Statusanzeige für Antragstellende.",
        "bauantrag, e-akte",
        ["Amt 63"],
    ),
    (
        "BS",
        "Statusanzeige für Anträge",
        "Bürgerinnen und Bürger rufen an, um zu erfahren, wie weit ihr Antrag ist.",
        "Ein Vorgangsstatus im Bürgerportal, der sich aus dem Fachverfahren speist.",
        "bürgerportal, transparenz",
        ["Amt 33", "Amt 12"],
    ),
    (
        "BS",
        "Ausweis-Abholung ohne Termin über Abholfächer",
        "Für die Abholung fertiger Ausweise braucht man einen eigenen Termin.",
        "Abholfächer mit PIN im Foyer des Bürgerbüros, wie bei Paketstationen.",
        "bürgerbüro",
        ["33.1"],
    ),
    (
        "BS",
        "Online-Terminbuchung im Standesamt",
        "Trautermine werden per Telefon vergeben und sind schnell ausgebucht.",
        "Online-Kalender für Trautermine mit Reservierung und Bestätigung.",
        "terminvergabe, standesamt",
        ["33.2"],
    ),
    (
        "BS",
        "Hundesteuer-Anmeldung online",
        "Die An- und Abmeldung eines Hundes geht nur auf Papier.",
        "Ein Online-Formular mit direkter Übernahme in das Steuerverfahren.",
        "formulare, kämmerei",
        ["Amt 20"],
    ),
    (
        "BS",
        "Barrierefreie Website der Stadt",
        "Die Website ist für Screenreader kaum nutzbar, Kontraste sind zu schwach.",
        "Überarbeitung nach BITV 2.0 mit Prüfung durch Betroffene.",
        "barrierefreiheit, website",
        ["Amt 10"],
    ),
    (
        "BS",
        "Mängelmelder für Straßenschäden",
        "Schlaglöcher und defekte Laternen werden per E-Mail an wechselnde Adressen gemeldet.",
        "Eine Mängelmelder-App mit Foto und Standort, die direkt beim Tiefbauamt landet.",
        "tiefbau, app",
        ["Amt 66"],
    ),
    (
        "BS",
        "E-Payment an allen Kassen",
        "An einigen Schaltern kann nur bar bezahlt werden.",
        "Kartenzahlung an allen Schaltern und Bezahlung online für alle Gebühren.",
        "bezahlung, kämmerei",
        ["Amt 20", "Amt 33"],
    ),
    (
        "A4",
        "Mobiles Arbeiten für Sachbearbeitung ermöglichen",
        "Viele Kolleginnen und Kollegen könnten Teile ihrer Arbeit zu Hause erledigen, dürfen es aber nicht.",
        "Eine Dienstvereinbarung mit dem Personalrat und Laptops mit VPN für alle, die es möchten.",
        "mobiles arbeiten, personalrat",
        ["Amt 11", "Amt 12"],
    ),
    (
        "A4",
        "Desk-Sharing im neuen Verwaltungsgebäude",
        "Im Verwaltungsgebäude stehen viele Büros halb leer, anderswo fehlen Plätze.",
        "Buchbare Arbeitsplätze und Rückzugsräume, begleitet von einem Pilotbereich.",
        "arbeitsplatz, raum",
        ["Amt 10"],
    ),
    (
        "A4",
        "Videokonferenzen für Besprechungen zwischen Standorten",
        "Für eine einstündige Besprechung fahren Kolleginnen und Kollegen quer durch die Stadt.",
        "Ausstattung aller Besprechungsräume mit Kamera und Mikrofon und ein datenschutzkonformes Tool.",
        "videokonferenz, zusammenarbeit",
        ["Amt 12"],
    ),
    (
        "A4",
        "Interner Chat-Dienst für schnelle Abstimmungen",
        "Kurze Fragen gehen per E-Mail hin und her; Antworten dauern Tage.",
        "Ein Chat-Dienst für die Verwaltung, betrieben im eigenen Rechenzentrum.",
        "chat, zusammenarbeit",
        ["Amt 12", "Stabsstelle D"],
    ),
    (
        "A4",
        "Lernräume für agiles Arbeiten",
        "Neue Arbeitsmethoden kennen viele nur vom Hörensagen.",
        "Lernräume nach dem Vorbild von Agilkom, in denen Teams Methoden an echten Aufgaben ausprobieren.",
        "agil, qualifizierung",
        ["11.1"],
    ),
    (
        "A4",
        "Vertrauensarbeitszeit in Pilotbereichen",
        "Die Zeiterfassung per Stempeluhr passt nicht zu mobilem Arbeiten.",
        "Vertrauensarbeitszeit in zwei Pilotbereichen erproben und auswerten.",
        "arbeitszeit, personalrat",
        ["Amt 11"],
    ),
    (
        "A4",
        "Führen auf Distanz – Werkstatt für Führungskräfte",
        "Führungskräfte fühlen sich unsicher, wenn ihr Team verteilt arbeitet.",
        "Eine Werkstattreihe mit kollegialer Beratung zum Führen auf Distanz.",
        "führung, qualifizierung",
        ["11.1"],
    ),
    (
        "A4",
        "Gemeinsame Aufgabenverwaltung für Projekte",
        "Projektaufgaben stehen in Excel-Listen, die niemand aktuell hält.",
        "Ein einfaches Aufgaben-Board für Projekte abseits der Fachverfahren.",
        "projektmanagement",
        ["Stabsstelle D"],
    ),
    (
        "A4",
        "Digitale Unterschrift für interne Freigaben",
        "Urlaubsanträge und Freigaben wandern ausgedruckt durch das Haus.",
        "Interne Freigaben mit elektronischer Signatur und Workflow.",
        "workflow, signatur",
        ["Amt 11", "Amt 12"],
    ),
    (
        "A4",
        "Ruhige Arbeitszonen in Großraumbüros",
        "In den Großraumbüros ist konzentriertes Arbeiten kaum möglich.",
        "Ruhezonen und Telefonkabinen einrichten.",
        "arbeitsplatz",
        ["Amt 10"],
    ),
    (
        "A4",
        "Jobrotation zwischen Ämtern",
        "Wissen bleibt in den Ämtern; Perspektivwechsel fehlen.",
        "Freiwillige Hospitationen und Rotationen von drei Monaten zwischen Ämtern.",
        "personalentwicklung",
        ["11.1"],
    ),
    (
        "EA",
        "E-Akte im Bauordnungsamt einführen",
        "Bauakten liegen im Keller; eine Akte zu holen dauert oft einen halben Tag.",
        "Einführung der E-Akte mit Digitalisierung der laufenden Vorgänge.",
        "e-akte, bauordnung",
        ["Amt 63"],
    ),
    (
        "EA",
        "Scanstelle für den Posteingang",
        "Post wird in Papier verteilt und geht gelegentlich verloren.",
        "Eine zentrale Scanstelle, die den Posteingang digital in die E-Akte gibt.",
        "e-akte, posteingang",
        ["Amt 10"],
    ),
    (
        "EA",
        "Aktenplan vereinheitlichen",
        "Jedes Amt hat seinen eigenen Aktenplan; Suchen über Ämter hinweg ist unmöglich.",
        "Ein einheitlicher Aktenplan als Grundlage der E-Akte.",
        "e-akte, aktenplan",
        ["Amt 10", "11.2"],
    ),
    (
        "EA",
        "Digitale Personalakte",
        "Personalakten werden für jede Auskunft aus dem Archiv geholt.",
        "Digitale Personalakte mit fein abgestuften Zugriffsrechten.",
        "e-akte, personal",
        ["Amt 11"],
    ),
    (
        "EA",
        "Elektronische Rechnungsbearbeitung",
        "Rechnungen werden ausgedruckt, abgezeichnet und wieder eingescannt.",
        "XRechnung empfangen und digital prüfen, anordnen und buchen.",
        "xrechnung, kämmerei",
        ["Amt 20"],
    ),
    (
        "EA",
        "Digitale Sitzungsunterlagen für Ausschüsse",
        "Für jede Ausschusssitzung werden Hunderte Seiten gedruckt und verteilt.",
        "Tablets und ein Ratsinformationssystem mit Anmerkungsfunktion.",
        "ratsinformation, papier",
        ["Amt 10"],
    ),
    (
        "EA",
        "Ersetzendes Scannen nach TR-RESISCAN",
        "Papieroriginale müssen trotz Scan aufbewahrt werden, weil das Verfahren nicht zertifiziert ist.",
        "Scanprozess nach TR-RESISCAN aufbauen, damit Papier vernichtet werden darf.",
        "e-akte, scannen",
        ["Amt 10", "Amt 12"],
    ),
    (
        "EA",
        "Vorlagen für Bescheide zentral pflegen",
        "Jede Abteilung hat eigene, teils veraltete Word-Vorlagen.",
        "Zentral gepflegte Bescheidvorlagen im Dokumentenmanagement.",
        "vorlagen, dms",
        ["11.2"],
    ),
    (
        "EA",
        "Aktenrückgabe ans Archiv digital anmelden",
        "Die Abgabe ans Stadtarchiv wird mit Papierlisten organisiert.",
        "Aussonderung und Abgabe ans Archiv direkt aus der E-Akte.",
        "e-akte, archiv",
        ["Amt 10"],
    ),
    (
        "EA",
        "Posteingang per De-Mail und beBPo",
        "Elektronische Eingänge von Gerichten und Anwälten werden ausgedruckt.",
        "Elektronische Postfächer direkt an die E-Akte anbinden.",
        "e-akte, posteingang",
        ["Amt 12"],
    ),
    (
        "IT",
        "WLAN in allen Dienstgebäuden",
        "In vielen Gebäuden gibt es kein WLAN; Besprechungen mit Laptop sind kaum möglich.",
        "Flächendeckendes WLAN mit Gastzugang für Besucherinnen und Besucher.",
        "wlan, infrastruktur",
        ["Amt 12"],
    ),
    (
        "IT",
        "Self-Service-Portal für IT-Störungen",
        "Störungen werden telefonisch gemeldet; niemand weiß, wie weit die Bearbeitung ist.",
        "Ein Ticket-Portal mit Statusanzeige und Wissensdatenbank.",
        "it-service",
        ["Amt 12"],
    ),
    (
        "IT",
        "Passwort selbst zurücksetzen",
        "Wer sein Passwort vergisst, wartet oft Stunden auf die IT.",
        "Self-Service zum Zurücksetzen mit zweitem Faktor.",
        "it-service, sicherheit",
        ["Amt 12"],
    ),
    (
        "IT",
        "Zwei-Faktor-Anmeldung für Fernzugriff",
        "Der Fernzugriff ist nur mit Passwort geschützt.",
        "Zwei-Faktor-Anmeldung für VPN und Webdienste.",
        "sicherheit",
        ["Amt 12"],
    ),
    (
        "IT",
        "Schulungen zu Phishing und IT-Sicherheit",
        "Phishing-Mails werden regelmäßig geöffnet.",
        "Kurze Online-Schulungen und simulierte Phishing-Kampagnen mit Auswertung.",
        "sicherheit, qualifizierung",
        ["Amt 12", "11.1"],
    ),
    (
        "IT",
        "Fachverfahren über Schnittstellen verbinden",
        "Daten werden zwischen Fachverfahren abgetippt.",
        "Schnittstellen nach XÖV-Standards zwischen Melde-, Kassen- und Sozialverfahren.",
        "schnittstellen, xöv",
        ["Amt 12", "Amt 50"],
    ),
    (
        "IT",
        "Einheitliche Diensthandys mit Mobilgeräteverwaltung",
        "Privatgeräte werden dienstlich genutzt, weil Diensthandys fehlen.",
        "Diensthandys für Außendienst und Bereitschaft mit zentraler Verwaltung.",
        "mobil, sicherheit",
        ["Amt 32", "Amt 66"],
    ),
    (
        "IT",
        "Open-Source-Bürosoftware prüfen",
        "Lizenzkosten steigen jedes Jahr deutlich.",
        "Eine Machbarkeitsstudie für Open-Source-Bürosoftware in einem Pilotamt.",
        "open source, kosten",
        ["Amt 12"],
    ),
    (
        "IT",
        "Tablets für den Außendienst",
        "Kontrolleure schreiben Protokolle auf Papier und tippen sie im Büro ab.",
        "Tablets mit mobilen Formularen für Ordnungsamt und Bauaufsicht.",
        "mobil, außendienst",
        ["Amt 32", "Amt 63"],
    ),
    (
        "IT",
        "Drucker konsolidieren",
        "Fast jedes Büro hat einen eigenen Drucker; Wartung und Toner sind teuer.",
        "Zentrale Etagendrucker mit Follow-me-Printing.",
        "drucken, kosten",
        ["Amt 12"],
    ),
    (
        "PQ",
        "Digitale Einarbeitung neuer Kolleginnen und Kollegen",
        "Neue Mitarbeitende bekommen am ersten Tag einen Stapel Papier und keinen Zugang.",
        "Eine Onboarding-Strecke mit Checkliste, Patenschaft und fertigem Arbeitsplatz am ersten Tag.",
        "onboarding, personal",
        ["Amt 11", "11.1"],
    ),
    (
        "PQ",
        "Digital-Coaches in jedem Amt",
        "Bei neuen Programmen fehlt Hilfe vor Ort.",
        "Pro Amt eine Digital-Coach-Rolle mit Zeitanteil und Schulung.",
        "qualifizierung, digital-coach",
        ["Stabsstelle D", "11.1"],
    ),
    (
        "PQ",
        "E-Learning-Plattform für Fortbildungen",
        "Fortbildungen gibt es nur in Präsenz und sind schnell ausgebucht.",
        "Eine Lernplattform mit kurzen Modulen und Nachweisen.",
        "e-learning, qualifizierung",
        ["11.1"],
    ),
    (
        "PQ",
        "Wissensmanagement bei Ruhestand",
        "Mit jedem Ruhestand geht Erfahrungswissen verloren.",
        "Strukturierte Übergaben und ein Wiki für Arbeitsabläufe.",
        "wissen, demografie",
        ["11.1", "11.2"],
    ),
    (
        "PQ",
        "Online-Bewerbungsverfahren",
        "Bewerbungen kommen per Post und E-Mail und werden von Hand erfasst.",
        "Ein Bewerbungsportal mit digitaler Auswahl und Beteiligung des Personalrats.",
        "personalgewinnung",
        ["Amt 11"],
    ),
    (
        "PQ",
        "Mentoring für Nachwuchsführungskräfte",
        "Führungskräfte werden ohne Vorbereitung ins kalte Wasser geworfen.",
        "Ein Mentoring-Programm mit erfahrenen Führungskräften.",
        "führung, personalentwicklung",
        ["11.1"],
    ),
    (
        "PQ",
        "Azubi-Projekt: Digitalisierungsideen aus der Ausbildung",
        "Auszubildende haben frische Ideen, aber keinen Ort dafür.",
        "Jeder Ausbildungsjahrgang bearbeitet ein eigenes Digitalisierungsprojekt.",
        "ausbildung",
        ["11.1"],
    ),
    (
        "PQ",
        "Gesundheitsangebote für Bildschirmarbeit",
        "Rücken- und Augenbeschwerden nehmen zu.",
        "Bewegte Pausen, höhenverstellbare Tische und Sehtests.",
        "gesundheit",
        ["Amt 11"],
    ),
    (
        "KU",
        "Papierlose Verwaltung bis 2030",
        "Die Verwaltung verbraucht jährlich Millionen Blatt Papier.",
        "Ein Zielpfad mit Messung des Papierverbrauchs je Amt.",
        "papier, nachhaltigkeit",
        ["Amt 70", "Amt 10"],
    ),
    (
        "KU",
        "Dienstfahrräder und E-Bikes",
        "Für kurze Dienstwege wird das Auto genommen.",
        "Ein Pool an Dienstfahrrädern und E-Bikes mit Online-Buchung.",
        "mobilität, klima",
        ["Amt 70", "Amt 10"],
    ),
    (
        "KU",
        "Energieverbrauch der Gebäude sichtbar machen",
        "Niemand weiß, wie viel Energie sein Gebäude verbraucht.",
        "Ein Energie-Dashboard für alle Dienstgebäude im Intranet.",
        "energie, transparenz",
        ["Amt 70"],
    ),
    (
        "KU",
        "Fahrgemeinschaften für Pendelnde",
        "Viele pendeln allein mit dem Auto aus dem Umland.",
        "Eine interne Mitfahrbörse.",
        "mobilität",
        ["Amt 70"],
    ),
    (
        "KU",
        "Digitale Baumkataster-App",
        "Die Baumkontrolle wird auf Papier protokolliert.",
        "Eine App für die Baumkontrolle mit Karte und Fotos.",
        "umwelt, app",
        ["Amt 70", "Amt 66"],
    ),
    (
        "KB",
        "Interner Newsfeed für die ganze Verwaltung",
        "Neuigkeiten erfahren viele erst aus der Zeitung.",
        "Ein Newsfeed im Intranet für Projekte, Entscheidungen und Termine.",
        "intranet, kommunikation",
        ["Amt 10", "Stabsstelle D"],
    ),
    (
        "KB",
        "Ideenmanagement mit Rückmeldung",
        "Vorschläge versanden; niemand erfährt, was daraus wurde.",
        "Ein Ideenportal mit nachvollziehbaren Kriterien und Rückmeldung an alle.",
        "beteiligung, transparenz",
        ["Stabsstelle D"],
    ),
    (
        "KB",
        "Bürgerbeteiligung online für Bauleitplanung",
        "Auslegungen finden im Rathausflur statt; kaum jemand beteiligt sich.",
        "Online-Beteiligung mit Karte und Stellungnahmen.",
        "beteiligung, stadtplanung",
        ["Amt 61"],
    ),
    (
        "KB",
        "Offene Daten der Stadt veröffentlichen",
        "Daten liegen in Fachverfahren; Anfragen werden einzeln beantwortet.",
        "Ein Open-Data-Portal mit den wichtigsten Datensätzen.",
        "open data, transparenz",
        ["Amt 12", "Amt 80"],
    ),
    (
        "KB",
        "Sprechstunde der Verwaltungsspitze für Mitarbeitende",
        "Der Weg zur Verwaltungsspitze ist weit.",
        "Monatliche offene Sprechstunde, auch per Video.",
        "kommunikation, führung",
        ["Dez. I"],
    ),
    (
        "KB",
        "Leichte Sprache in Bescheiden",
        "Bescheide werden oft nicht verstanden; Widersprüche sind die Folge.",
        "Bescheide mit einer verständlichen Zusammenfassung in Leichter Sprache.",
        "verständlichkeit",
        ["Amt 50", "11.2"],
    ),
    (
        "KB",
        "Intranet-Suche verbessern",
        "Im Intranet findet man Formulare und Ansprechpersonen kaum.",
        "Eine Volltextsuche mit Telefonbuch und Zuständigkeitsfinder.",
        "intranet, suche",
        ["Amt 12"],
    ),
    (
        "BS",
        "Termine im Bürgeramt online buchen",
        "Man kommt telefonisch nicht durch, um einen Termin im Bürgeramt zu bekommen.",
        "Termine für das Bürgeramt sollten online buchbar sein.",
        "terminvergabe",
        ["33.1"],
    ),
    (
        "A4",
        "Laptops statt Standrechner",
        "Mit Standrechnern kann man weder mobil arbeiten noch in Besprechungen mitschreiben.",
        "Beim nächsten Austausch Laptops mit Dockingstation beschaffen.",
        "mobiles arbeiten, geräte",
        ["Amt 12"],
    ),
    (
        "EA",
        "E-Akte im Sozialamt",
        "Sozialakten sind umfangreich und werden zwischen Standorten hin- und hergefahren.",
        "E-Akte für Sozialleistungen mit Anbindung an das Fachverfahren.",
        "e-akte, sozialamt",
        ["Amt 50"],
    ),
    (
        "BS",
        "Schulanmeldung online",
        "Die Anmeldung zur Grundschule geht nur persönlich im Schulsekretariat.",
        "Online-Schulanmeldung mit Upload der Unterlagen.",
        "schule, formulare",
        ["Amt 40"],
    ),
    (
        "BS",
        "Wohngeld-Antrag digital",
        "Wohngeld-Anträge sind lang und oft unvollständig.",
        "Ein geführter Online-Antrag mit Plausibilitätsprüfung.",
        "sozialamt, formulare",
        ["Amt 50"],
    ),
    (
        "IT",
        "Zentrale Datensicherung für Außenstellen",
        "Außenstellen sichern ihre Daten auf USB-Festplatten.",
        "Automatische Sicherung ins Rechenzentrum.",
        "sicherheit, infrastruktur",
        ["Amt 12"],
    ),
    (
        "A4",
        "Besprechungskultur: kürzer und mit Protokoll",
        "Besprechungen dauern lange und enden ohne Ergebnis.",
        "Regeln für Besprechungen: Agenda vorab, 45 Minuten, Ergebnisprotokoll im Teamordner.",
        "zusammenarbeit",
        ["11.2"],
    ),
    (
        "PQ",
        "Fortbildungsbudget pro Person transparent machen",
        "Niemand weiß, welche Fortbildungen ihm zustehen.",
        "Ein persönliches Fortbildungskonto im Personalportal.",
        "qualifizierung, transparenz",
        ["Amt 11"],
    ),
    (
        "KU",
        "Recyclingpapier und Doppeldruck als Standard",
        "Drucker drucken einseitig auf Frischfaserpapier.",
        "Doppelseitiger Druck und Recyclingpapier als Voreinstellung.",
        "papier, nachhaltigkeit",
        ["Amt 12", "Amt 70"],
    ),
    (
        "KB",
        "Wirtschaftsförderung: digitale Gewerbeanmeldung",
        "Gründerinnen und Gründer müssen für die Gewerbeanmeldung ins Amt kommen.",
        "Gewerbeanmeldung online mit Weiterleitung an Kammern und Finanzamt.",
        "wirtschaft, formulare",
        ["Amt 80", "Amt 32"],
    ),
    (
        "BS",
        "Kulturveranstaltungen online buchen",
        "Karten für städtische Veranstaltungen gibt es nur an der Abendkasse.",
        "Online-Ticketing für Kulturamt und Stadtbibliothek.",
        "kultur, bezahlung",
        ["Amt 41"],
    ),
    (
        "BS",
        "Sporthallen online reservieren",
        "Vereine reservieren Hallenzeiten per Fax.",
        "Ein Belegungskalender mit Online-Anfrage für Vereine.",
        "sport, vereine",
        ["Amt 52"],
    ),
    (
        "EA",
        "Digitale Vergabeakte",
        "Vergabeverfahren werden in Papierordnern dokumentiert.",
        "Vergabeakte im Vergabemanagementsystem, revisionssicher abgelegt.",
        "vergabe, e-akte",
        ["Amt 20"],
    ),
    (
        "A4",
        "Team-Laufwerke aufräumen",
        "Auf den Laufwerken liegen Tausende Dateien ohne Ordnung und in vielen Versionen.",
        "Eine Aufräumaktion mit Regeln für Ablage und Benennung.",
        "ablage, zusammenarbeit",
        ["11.2"],
    ),
    (
        "IT",
        "Barrierefreie Fachanwendungen",
        "Blinde Kolleginnen und Kollegen können zwei Fachverfahren nicht bedienen.",
        "Barrierefreiheit als Kriterium bei Beschaffungen und Nachbesserung durch die Hersteller.",
        "barrierefreiheit, beschaffung",
        ["Amt 12"],
    ),
    (
        "KB",
        "Rückmeldung an Bürgerinnen und Bürger zu Beschwerden",
        "Beschwerden werden bearbeitet, aber die Meldenden erfahren nichts davon.",
        "Ein Beschwerdemanagement mit Eingangsbestätigung und Abschlussnachricht.",
        "beschwerden, transparenz",
        ["Amt 10"],
    ),
]

#: The lifecycle of the demo ideas, in turn; the last step is the idea's state.
PATHS = [
    [S.SUBMITTED],
    [S.SUBMITTED, S.SCREENING],
    [S.SUBMITTED, S.SCREENING, S.ACCEPTED],
    [S.SUBMITTED],
    [S.SUBMITTED, S.SCREENING, S.ACCEPTED, S.SCORED],
    [S.SUBMITTED, S.SCREENING, S.DECLINED],
    [S.SUBMITTED, S.SCREENING, S.ACCEPTED, S.SCORED, S.DECIDED],
    [],
    [S.SUBMITTED, S.SCREENING, S.ACCEPTED, S.SCORED, S.DECIDED, S.PROJECT],
    [S.SUBMITTED, S.SCREENING],
]

#: Duplicates in the demo, merged into the idea with this title.
DUPLICATES = {
    "Termine im Bürgeramt online buchen": "Online-Terminvergabe für alle Dienstleistungen des Bürgeramts"
}
MERGE_NOTE = "Gleiches Anliegen wie die Idee zur Online-Terminvergabe."

DECLINE_REASON = (
    "Danke für den Vorschlag! Das Vorhaben ist bereits Teil eines laufenden Projekts des "
    "Landes; eine eigene Lösung der Stadt würde doppelte Arbeit bedeuten."
)

COMMENTS = [
    "Sehr gute Idee, das würde uns im Alltag enorm helfen.",
    "Haben andere Kommunen das schon umgesetzt? Vielleicht können wir von deren Erfahrungen lernen.",
    "Wichtig wäre, den **Personalrat** früh einzubinden.",
    "Im Bürgerbüro Mitte erleben wir das Problem jeden Tag.",
    "Wie sieht es mit dem Datenschutz aus?",
    "Das müsste mit der IT abgestimmt werden, aber technisch ist es machbar.",
    "Ich würde gern im Pilotteam mitmachen.",
    "Für die Kolleginnen und Kollegen im Außendienst wäre das eine große Entlastung.",
]

REPLIES = [
    "Danke! Die Stabsstelle Digitalisierung nimmt das in das Screening mit auf.",
    "Ja, die Stadt Kiel hat damit gute Erfahrungen gemacht.",
    "Guter Punkt, ich ergänze das in der Idee.",
]


def load(municipality: Municipality) -> dict[str, int]:
    """Create fields of action and the demo ideas with their history; return counts."""
    rng = random.Random(4711)
    users = list(db.session.scalars(select(User).where(User.municipality_id == municipality.id)))
    by_email = {user.email: user for user in users}
    moderator = by_email[email_of("moderation")]
    units = {
        unit.code: unit
        for unit in db.session.scalars(
            select(OrgUnit).where(OrgUnit.municipality_id == municipality.id)
        )
    }
    fields = {
        key: FieldOfAction(municipality_id=municipality.id, name=name, description=description)
        for key, (name, description) in FIELDS.items()
    }
    db.session.add_all(fields.values())
    tags: dict[str, Tag] = {}
    authors = [u for u in users if u is not moderator]
    # The demo employee always has ideas of her own in several states.
    authors.insert(0, by_email[email_of("mitarbeiterin")])
    now = utcnow()
    ideas: list[Idea] = []
    events: list[IdeaEvent] = []
    open_ideas: list[tuple[Idea, datetime]] = []
    for number, (field, title, problem, proposal, tag_text, unit_codes) in enumerate(IDEAS):
        author = authors[(number * 7) % len(authors)] if number % 9 else authors[0]
        path = [S.SUBMITTED, S.MERGED] if title in DUPLICATES else PATHS[number % len(PATHS)]
        created = now - timedelta(days=120 - number, hours=rng.randint(0, 8))
        idea = Idea(
            municipality_id=municipality.id,
            author=author,
            title=title,
            problem=problem,
            proposal=proposal,
            benefit_citizens="Kürzere Wege und Wartezeiten." if field == "BS" else "",
            benefit_staff="Weniger Rückfragen und Doppelarbeit.",
            field_of_action=fields[field],
            org_units=[units[code] for code in unit_codes],
            tags=[
                tags.setdefault(name, Tag(municipality_id=municipality.id, name=name))
                for name in (t.strip() for t in tag_text.split(","))
            ],
            effort_days=rng.choice([None, 5, 20, 60, 150]),
            cost_euros=rng.choice([None, 2_000, 15_000, 80_000, 250_000]),
            author_public=number % 3 == 0,
            state=S.DRAFT,
            created_at=created,
            updated_at=created,
        )
        ideas.append(idea)
        events.append(_event(idea, author, None, S.DRAFT, created))
        at = created
        for step in path:
            at += timedelta(days=rng.randint(1, 6))
            actor = author if step is S.SUBMITTED else moderator
            reason = {S.DECLINED: DECLINE_REASON, S.MERGED: MERGE_NOTE}.get(step, "")
            events.append(_event(idea, actor, idea.state, step, at, reason))
            if step is S.SUBMITTED:
                idea.submitted_at = at
            if step is S.DECLINED:
                idea.decline_reason = reason
            if step is S.MERGED:
                idea.merged_into = next(i for i in ideas if i.title == DUPLICATES[title])
            idea.state = step
        if idea.state in OPEN_STATES:
            open_ideas.append((idea, at))
    db.session.add_all(ideas)
    db.session.add_all(events)
    db.session.flush()
    supports, comments = _discuss(rng, open_ideas, users, moderator)
    return {"ideas": len(ideas), "supports": supports, "comments": comments}


def _event(
    idea: Idea,
    actor: User,
    source: IdeaState | None,
    target: IdeaState,
    at: datetime,
    reason: str = "",
) -> IdeaEvent:
    return IdeaEvent(
        municipality_id=idea.municipality_id,
        idea=idea,
        actor_id=actor.id,
        from_state=source,
        to_state=target,
        at=at,
        reason=reason,
    )


def _discuss(
    rng: random.Random, ideas: list[tuple[Idea, datetime]], users: list[User], moderator: User
) -> tuple[int, int]:
    """Let colleagues support and comment on the open *ideas*; return how many of each."""
    supports: list[Support] = []
    comments: list[Comment] = []
    for number, (idea, at) in enumerate(ideas):
        supporters = rng.sample([u for u in users if u.id != idea.author_id], rng.randint(0, 25))
        supports += [
            Support(
                municipality_id=idea.municipality_id, idea_id=idea.id, user_id=u.id, created_at=at
            )
            for u in supporters
        ]
        idea.support_count = len(supporters)
        if number % 2:
            continue
        for hours in range(1 + number % 3):
            comment = Comment(
                municipality_id=idea.municipality_id,
                idea_id=idea.id,
                author=rng.choice(users),
                body=rng.choice(COMMENTS),
                created_at=at + timedelta(hours=hours),
                updated_at=at + timedelta(hours=hours),
            )
            comments.append(comment)
            idea.comment_count += 1
    db.session.add_all(supports)
    db.session.add_all(comments)
    db.session.flush()
    replies = [
        Comment(
            municipality_id=comment.municipality_id,
            idea_id=comment.idea_id,
            author=moderator,
            parent_id=comment.id,
            body=rng.choice(REPLIES),
            created_at=comment.created_at + timedelta(hours=2),
            updated_at=comment.created_at + timedelta(hours=2),
        )
        for comment in comments[::4]
    ]
    for reply in replies:
        next(idea for idea, _at in ideas if idea.id == reply.idea_id).comment_count += 1
    db.session.add_all(replies)
    db.session.flush()
    return len(supports), len(comments) + len(replies)
