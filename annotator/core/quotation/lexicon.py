"""Words the quote detector knows: speech verbs and cues, pronouns, titles, non-names.

English, German and French, with the common Chinese and Japanese reporting verbs. All
comparisons are on lower-cased words. Lists are written as comma-separated text.
"""

from __future__ import annotations

import re
from typing import Final


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(",") if w.strip())


# Reporting verbs and cues whose speaker is the subject (before the verb, or after it
# in an inverted attribution: '..., said Ms Brooks').
VERBS: Final = _words(
    """
    said, says, say, saying, told, tells, added, adds, stated, states, warned, warns, explained,
    explains, noted, notes, commented, comments, commenting, declared, declares, asked, asks,
    replied, replies, insisted, insists, argued, argues, claimed, claims, wrote, writes,
    announced, announces, acknowledged, acknowledges, admitted, admits, recalled, urged, urges,
    suggested, suggests, continued, concluded, cautioned, cautions, predicted, predicts,
    emphasised, emphasized, stressed, stresses, described, termed, mentioned, observed,
    remarked, responded, conceded, confirmed, expressed, informed, reported, shouted, joked,
    tweeted, posted, vowed, promised, pledged, countered, complained, answered, assured,
    estimated, testified, wondered, agreed, insisting, adding, warning, noting, explaining,
    telling, called, calls, sagte, sagt, sagten, sagen, erklärte, erklärt, erklärten, betonte,
    betont, betonten, meinte, meint, warnte, warnt, fügte, ergänzte, ergänzt, sprach, schrieb,
    schreibt, kritisierte, kritisiert, teilte, berichtete, bestätigte, versprach, forderte,
    fordert, räumte, mahnte, unterstrich, verkündete, antwortete, so, a déclaré, a dit, déclare,
    dit, affirme, a affirmé, explique, a expliqué, ajoute, a ajouté, souligne, a souligné,
    estime, a estimé, indique, a indiqué, précise, a précisé, assure, a assuré, confie, a
    confié, prévient, a prévenu, raconte, a raconté, insiste, a insisté, a averti, avertit, a
    martelé, martèle, a lancé, lance, juge, a jugé, a répondu, répond, a annoncé, annonce, a
    reconnu, reconnaît, a confirmé, confirme, déclarait, disait, a-t-il, a-t-elle, s’est
    félicité, s'est félicité, s’est félicitée, s'est félicitée, s’est inquiété, s'est inquiété,
    a regretté, regrette, a rappelé, rappelle, a insisté
    """
)

# Cues naming the source after them ('according to X') or before them ('X zufolge').
SOURCE_AFTER: Final = _words(
    """
    according to, selon, laut, d'après, d’après, citing
    """
)

SOURCE_BEFORE: Final = _words(
    """
    zufolge
    """
)

# Chinese and Japanese reporting verbs (no word boundaries in those scripts).
CJK_VERBS: Final = _words(
    """
    表示, 说道, 说, 說, 称, 稱, 指出, 强调, 強調, 透露, 宣布,
    认为, 認為, と述べた, と述べ, と語った, と語り, と話した,
    と話し, と強調した, と説明した, と指摘した, と明らかにした,
    """
)

CJK_SOURCE_BEFORE: Final = _words(
    """
    によると, によれば,
    """
)

CJK_SOURCE_AFTER: Final = _words(
    """
    据, 據,
    """
)

PRONOUNS: Final = frozenset(
    _words(
        """
    elle, elles, er, he, il, ils, she, sie, they
    """
    )
)

# Plural pronouns may stand for organisations.
PLURAL_PRONOUNS: Final = frozenset(
    _words(
        """
    elles, ils, they
    """
    )
)

CJK_PRONOUNS: Final = frozenset(
    _words(
        """
    他, 他们, 她, 她们, 彼, 彼ら, 彼女,
    """
    )
)

DETERMINERS: Final = frozenset(
    _words(
        """
    a, an, das, dem, den, der, des, die, ein, eine, einem, einen, einer, eines, her, his, its,
    l', la, le, les, l’, one, our, the, their, un, une
    """
    )
)

PREPOSITIONS: Final = frozenset(
    _words(
        """
    about, against, am, and, at, au, aus, aux, avec, bei, between, by, chez, contre, dans, de,
    des, du, et, for, from, für, gegen, im, in, into, mit, of, on, over, pour, sur, than, to,
    und, vom, von, with, zu, zum, zur, à
    """
    )
)

# Words between a subject and its verb: auxiliaries, adverbs, time words.
SKIPPABLE: Final = frozenset(
    _words(
        """
    again, also, am, auch, aussi, bereits, dienstag, dimanche, donnerstag, earlier, encore,
    freitag, friday, further, gestern, habe, had, has, hat, hatte, have, heute, hier, in,
    interview, is, jeudi, last, later, lundi, mardi, mercredi, mittwoch, monday, montag, night,
    noch, on, once, previously, recently, reportedly, samedi, samstag, saturday, schon, sonntag,
    statement, sunday, then, thursday, today, tuesday, vendredi, was, wednesday, week, were,
    will, would, yesterday
    """
    )
)

# Titles and roles before a name ('US Commerce Secretary Howard Lutnick').
TITLES: Final = frozenset(
    _words(
        """
    abgeordnete, abgeordneter, acting, ambassador, analyst, analystin, bundeskanzler,
    bundeskanzlerin, bürgermeister, bürgermeisterin, captain, ceo, cfo, chair, chairman,
    chairwoman, chancellor, chef, chefin, chief, coach, commerce, commissioner, correspondent,
    dame, defence, defense, deputy, dir., director, dr, dr., député, députée, economic,
    economist, economy, editor, energy, executive, experte, expertin, finance, first, foreign,
    former, founder, frau, gen., general, gov., governor, head, health, herr, interior, judge,
    justice, kanzler, kanzlerin, king, labor, labour, lady, leader, lord, m., madame, maire,
    manager, mayor, minister, ministerin, ministra, ministre, mlle, mme, monsieur, mr, mr., mrs,
    mrs., ms, ms., officer, politiker, politikerin, pope, porte-parole, premier, president,
    presidente, prime, prince, princess, prof, prof., professor, präsident, präsidentin,
    président, présidente, queen, rep., representative, secretary, secretary-general, sen, sen.,
    senator, senior, sir, spokesman, spokesperson, spokeswoman, sprecher, sprecherin, state,
    strategist, sénateur, sénatrice, trade, treasury, vice, wissenschaftler, wissenschaftlerin,
    économiste, ökonom, ökonomin
    """
    )
)

# Nationality words before a title or name ('Chinese Vice Premier ...').
NATIONALITY: Final = frozenset(
    _words(
        """
    american, amerikanische, amerikanischer, australian, austrian, brazilian, britische,
    britischer, british, canadian, chinese, chinesische, chinesischer, deutsche, deutscher,
    dutch, egyptian, european, französische, französischer, french, german, indian, iranian,
    israeli, italian, japanese, korean, mexican, palestinian, polish, russian, saudi, spanish,
    swiss, syrian, taiwanese, turkish, ukrainian, us-amerikanische
    """
    )
)

# Capitalised words that are not names: sentence words, days and months.
NOT_NAMES: Final = frozenset(
    _words(
        """
    a, aber, according, after, ainsi, all, als, also, although, am, an, analysts, and, août,
    april, après, as, asked, at, auch, auf, august, außerdem, avant, avec, avril, because,
    before, bei, both, but, by, ce, ces, cette, comme, critics, dann, dans, das, de, december,
    dem, den, der, des, despite, dezember, die, dienstag, dies, diese, dieser, dimanche, doch,
    donnerstag, du, décembre, each, earlier, economists, ein, eine, einem, einen, einer, elle,
    elles, en, er, es, et, even, every, experts, februar, february, for, freitag, friday, from,
    février, global, he, her, here, his, how, however, i, ich, if, ihr, il, ils, im, in,
    investors, it, its, januar, january, janvier, je, jeudi, juillet, juin, juli, july, june,
    juni, just, la, last, later, laut, lawmakers, le, les, lors, lundi, mai, mais, man, many,
    march, mardi, mars, may, meanwhile, mercredi, mit, mittwoch, monday, montag, most, my, märz,
    nach, nevertheless, next, no, noch, not, nous, november, novembre, now, observers, october,
    octobre, oder, of, officials, oktober, on, one, only, or, others, ou, our, par, people,
    potential, pour, pourtant, protesters, quand, residents, samedi, samstag, saturday, selon,
    september, septembre, she, sie, since, so, some, sonntag, sources, speaking, still, sunday,
    sur, tensions, that, the, their, then, there, these, they, this, those, though, three,
    thursday, to, today, tuesday, two, un, und, une, until, us., vendredi, vor, we, wednesday,
    wenn, what, when, where, which, while, who, why, wie, wir, with, without, yesterday, yet,
    you, zudem, zufolge
    """
    )
)

# Words that make a name an organisation's.
ORG_WORDS: Final = frozenset(
    _words(
        """
    administration, ag, agence, agency, airlines, army, association, authority, bank, banque,
    bbc, bloomberg, board, bundesbank, bundesregierung, bureau, club, cnbc, cnn, commission,
    committee, company, congress, corp, corp., council, court, department, economics,
    federation, foundation, fund, gmbh, gouvernement, government, group, holdings, house, inc,
    inc., institute, journal, kommission, ltd, ltd., media, ministerium, ministry, ministère,
    motors, navy, network, news, office, organisation, organization, parlement, parliament,
    partei, partners, party, platform, plc, police, post, press, regierung, research, reserve,
    reuters, sa, securities, senate, service, services, société, systems, technologies,
    television, times, union, university, verband, xinhua, zeitung
    """
    )
)

# A short list of places, so that they are not taken for people.
PLACES: Final = frozenset(
    _words(
        """
    africa, allemagne, america, ankara, asia, asia pacific, australia, beijing, berlin, brazil,
    britain, brussels, bruxelles, california, canada, china, chine, delhi, deutschland, england,
    etats-unis, eu, europa, europe, france, frankfurt, frankreich, gaza, geneva, genève,
    germany, hamburg, hong kong, india, iran, israel, italy, japan, kiev, korea, kyiv, lancaster
    house, london, londres, lyon, madrid, marseille, mexico, moscow, munich, münchen, new delhi,
    new york, north korea, pacific, paris, pékin, rome, russia, scotland, south korea, spain,
    syria, taipei, taiwan, texas, tokyo, turkey, u.s., uk, ukraine, united kingdom, united
    states, us, usa, vienna, washington, wien, zurich, zürich, états-unis
    """
    )
)

# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS: Final = frozenset(
    _words(
        """
    bzw, co, corp, dir, dr, e.g, gen, gov, i.e, inc, jr, ltd, m, mme, mr, mrs, ms, no, prof,
    rep, sen, sr, st, u.k, u.s, vs, z.b
    """
    )
)

TITLE_SUFFIX: Final = re.compile(
    r"(?:minister|ministerin|präsident|präsidentin|kanzler|kanzlerin|sprecher|sprecherin"
    r"|chef|chefin|direktor|direktorin|vorsitzende|vorsitzender)$"
)
