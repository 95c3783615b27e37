"""Demo nations and names. Names are written in their own scripts with their Latin transliteration."""
from __future__ import annotations

# nation -> (contingent name, list of (family native, family latin), list of (given native, given latin), rank titles)
NATIONS = {
    "NPL": {
        "contingent": "Nepalese Contingent",
        "family": [("थापा", "Thapa"), ("गुरुङ", "Gurung"), ("श्रेष्ठ", "Shrestha"), ("राई", "Rai"), ("तामाङ", "Tamang"),
                   ("अधिकारी", "Adhikari"), ("मगर", "Magar"), ("लिम्बु", "Limbu")],
        "given": [("राम बहादुर", "Ram Bahadur"), ("सीता", "Sita"), ("बिष्णु", "Bishnu"), ("कमला", "Kamala"),
                  ("सुरेश", "Suresh"), ("गीता", "Gita"), ("दिपक", "Dipak"), ("अनिता", "Anita")],
        "category": "military",
    },
    "BGD": {
        "contingent": "Bangladesh Contingent",
        "family": [("রহমান", "Rahman"), ("হোসেন", "Hossain"), ("আহমেদ", "Ahmed"), ("ইসলাম", "Islam"),
                   ("চৌধুরী", "Chowdhury"), ("খান", "Khan"), ("সরকার", "Sarkar")],
        "given": [("মোহাম্মদ", "Mohammad"), ("নুসরাত", "Nusrat"), ("তানভীর", "Tanvir"), ("সুমাইয়া", "Sumaiya"),
                  ("রাকিব", "Rakib"), ("ফারহানা", "Farhana")],
        "category": "military",
    },
    "RWA": {
        "contingent": "Rwanda Defence Force Contingent",
        "family": [("Uwimana", "Uwimana"), ("Habimana", "Habimana"), ("Mukamana", "Mukamana"), ("Niyonzima", "Niyonzima"),
                   ("Nshimiyimana", "Nshimiyimana"), ("Ingabire", "Ingabire")],
        "given": [("Jean Bosco", "Jean Bosco"), ("Aline", "Aline"), ("Emmanuel", "Emmanuel"), ("Claudine", "Claudine"),
                  ("Innocent", "Innocent"), ("Diane", "Diane")],
        "category": "military",
    },
    "FRA": {
        "contingent": "Détachement français",
        "family": [("Lefèvre", "Lefevre"), ("Dupré", "Dupre"), ("Moreau", "Moreau"), ("Girard", "Girard"),
                   ("Bérénger", "Berenger"), ("Nguyễn", "Nguyen"), ("Benoît", "Benoit")],
        "given": [("Éloïse", "Eloise"), ("François", "Francois"), ("Hélène", "Helene"), ("Jérôme", "Jerome"),
                  ("Anaïs", "Anais"), ("Noël", "Noel")],
        "category": "police",
    },
    "IDN": {
        "contingent": "Kontingen Garuda",
        "family": [("Rahayu", "Rahayu"), ("Setiawan", "Setiawan"), ("Wijaya", "Wijaya"), ("Saputra", "Saputra"),
                   ("Hidayat", "Hidayat"), ("Kusuma", "Kusuma")],
        "given": [("Siti", "Siti"), ("Budi", "Budi"), ("Dewi", "Dewi"), ("Agus", "Agus"), ("Putri", "Putri"), ("Eko", "Eko")],
        "category": "military",
    },
    "URY": {
        "contingent": "Contingente uruguayo",
        "family": [("Pérez", "Perez"), ("Fernández", "Fernandez"), ("Rodríguez", "Rodriguez"), ("Núñez", "Nunez"),
                   ("González", "Gonzalez"), ("Martínez", "Martinez")],
        "given": [("José", "Jose"), ("María", "Maria"), ("Sebastián", "Sebastian"), ("Lucía", "Lucia"),
                  ("Andrés", "Andres"), ("Inés", "Ines")],
        "category": "military",
    },
    "JOR": {
        "contingent": "Jordanian Contingent",
        "family": [("الحسيني", "Al-Husseini"), ("العبادي", "Al-Abadi"), ("الخطيب", "Al-Khatib"), ("النسور", "Al-Nsour")],
        "given": [("محمد", "Mohammad"), ("ليلى", "Layla"), ("عمر", "Omar"), ("رانيا", "Rania"), ("خالد", "Khaled")],
        "category": "police",
    },
    "CHN": {
        "contingent": "Chinese Peacekeeping Contingent",
        "family": [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen")],
        "given": [("伟", "Wei"), ("芳", "Fang"), ("军", "Jun"), ("丽", "Li"), ("强", "Qiang"), ("静", "Jing")],
        "category": "military",
    },
    "UKR": {
        "contingent": "Ukrainian Contingent",
        "family": [("Коваленко", "Kovalenko"), ("Шевченко", "Shevchenko"), ("Бондаренко", "Bondarenko"), ("Ткаченко", "Tkachenko")],
        "given": [("Олександр", "Oleksandr"), ("Оксана", "Oksana"), ("Андрій", "Andrii"), ("Ірина", "Iryna")],
        "category": "military",
    },
}

# Extra nations for the large data set (Latin-script names are generated from these syllables).
LARGE_EXTRA = ["PAK", "IND", "ETH", "GHA", "SEN", "EGY", "MAR", "TZA", "ZMB", "KEN", "NGA", "BRA", "ARG", "CHL",
               "PER", "ITA", "ESP", "IRL", "SWE", "NOR", "FIN", "KOR", "MNG", "MYS", "THA", "VNM", "TGO", "BEN", "MWI",
               "NLD", "POL"]
# Ten more for the extra-large data set (50 nations).
XLARGE_EXTRA = ["CMR", "TCD", "NER", "BFA", "GIN", "MLI", "CAN", "DEU", "PRT", "FJI"]
SYLLABLES = ["ka", "ri", "mo", "na", "tu", "se", "lo", "vi", "da", "ne", "ba", "ko", "mi", "ra", "zu", "ya"]

MILITARY_RANKS = [("OR-3", "Private first class"), ("OR-4", "Corporal"), ("OR-6", "Sergeant"), ("OR-8", "Master sergeant"),
                  ("WO-1", "Warrant officer"), ("OF-1", "Lieutenant"), ("OF-2", "Captain"), ("OF-3", "Major"),
                  ("OF-4", "Lieutenant colonel"), ("OF-5", "Colonel")]
POLICE_RANKS = [("POL-1", "Constable"), ("POL-2", "Sergeant"), ("POL-3", "Inspector"), ("POL-4", "Superintendent")]


def by_scale(scale: str, small, large, xlarge=None):
    """The value for a demo scale: medium takes large's, and xlarge too unless it has its own."""
    if scale == "small":
        return small
    return xlarge if scale == "xlarge" and xlarge is not None else large
