"""How much work Python's backtracking regular-expression engine does on a text, counted in
steps rather than timed, and the texts that make it do the most (tests/test_regex_safety.py).

Python's `re` gives no step count, so a pattern is parsed by `re`'s own parser (so « a|b » is
already the set [ab], as `re` runs it) and run on a small backtracking machine that explores
the same alternatives in the same order as `re` (greedy repeats give back one character at a
time, alternatives left to right, lookarounds in place), one step per instruction. Single
characters and `^ $ \\b` are decided by `re` itself, so Unicode classes and case folding are
Python's. `re` skips some hopeless attempts that this machine makes (it looks for a literal
that must follow a repeat before trying there), so it does at most this work, up to a
constant: a pattern this machine finds linear is linear in `re`; one it finds quadratic may,
in `re`, be quadratic with a smaller constant.

The hostile texts have the shape of a backtracking witness (Weideman et al., « Analyzing
matching time behavior of backtracking regular expression matchers by using ambiguity of
NFA », 2016: a polynomial or exponential blow-up always has one with a single pumped word):
a prefix that leads to a repeat, a string pumped as many times as the length allows, and a
last character that makes the match fail, so that every split of the pumped part is tried.
The pumped strings tried are each class of character the repeat can start with, the
repeat's shortest bodies, and a prefix followed by such a character (a search restarts at
every position). That is a search, not a proof: it catches the classic catastrophic shapes
(tests/test_regex_safety.py checks that it does), not every conceivable one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

try:  # Python 3.11 moved them
    from re import _compiler as sre_compile, _constants as C, _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10, the project's
    import sre_compile  # type: ignore[no-redef]
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

CHAR, SPLIT, JMP, AT, LOOK, MARK, GUARD, MATCH = range(8)
# A sample of every kind of character a visitor can send: ASCII and Unicode spaces, letters
# with and without accents, digits, punctuation, markup, a line break and an emoji.
BASE_ALPHABET = " \u00a0\u202f\u2009\u3000\u2028\t\naZéÉ09²_-.,:;!?()[]{}<>/\\@'\"+%*#$&=|~`^\u2019😀"


class Unsupported(ValueError):
    """A construct this machine does not model (back-references): the pattern needs a look."""


class OverBudget(Exception):
    """A run stops as soon as it is over its budget: the verdict is the same, and a bad pattern
    costs the test no more than a good one."""


class Counter:
    def __init__(self, budget: int):
        self.steps, self.budget = 0, budget


class Program:
    """A parsed pattern flattened into instructions for the backtracking machine."""

    def __init__(self, parsed, flags: int):
        self.state, self.flags = parsed.state, flags
        self.code: List[tuple] = []
        self.slots = 0
        self._predicates: List[Callable[[str], bool]] = []
        self._emit(parsed)
        self.code.append((MATCH,))

    # -- single characters and zero-width checks are left to `re` itself ----------------------
    def _compiled(self, node):
        return sre_compile.compile(sre_parse.SubPattern(self.state, [node]), self.flags)

    def predicate(self, node) -> Callable[[str], bool]:
        compiled, cache = self._compiled(node), {}

        def matches(ch: str) -> bool:
            if ch not in cache:
                cache[ch] = compiled.fullmatch(ch) is not None
            return cache[ch]
        self._predicates.append(matches)
        return matches

    @property
    def predicates(self) -> List[Callable[[str], bool]]:
        found = list(self._predicates)
        for instruction in self.code:
            if instruction[0] == LOOK:
                found += instruction[1].predicates
        return found

    # -- code generation ------------------------------------------------------------------------
    def _emit(self, sequence) -> None:
        for node in sequence:
            self._emit_node(node)

    def _emit_node(self, node) -> None:
        op, av = node
        code = self.code
        if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
            code.append((CHAR, self.predicate(node)))
        elif op is C.AT:
            compiled = self._compiled(node)
            code.append((AT, lambda text, pos, compiled=compiled: compiled.match(text, pos) is not None))
        elif op is C.SUBPATTERN:
            _group, add_flags, del_flags, pattern = av
            if add_flags or del_flags:
                raise Unsupported("local flags (?i:...)")
            self._emit(pattern)
        elif op is C.BRANCH:
            jumps = []
            alternatives = av[1]
            for i, alternative in enumerate(alternatives):
                if i < len(alternatives) - 1:
                    split = len(code)
                    code.append(None)
                    self._emit(alternative)
                    jumps.append(len(code))
                    code.append(None)
                    code[split] = (SPLIT, split + 1, len(code))
                else:
                    self._emit(alternative)
            for jump in jumps:
                code[jump] = (JMP, len(code))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high, body = av
            greedy = op is C.MAX_REPEAT
            for _ in range(low):
                self._emit(body)
            if high == C.MAXREPEAT:
                slot, self.slots = self.slots, self.slots + 1
                loop = len(code)
                code.append(None)
                code.append((MARK, slot))
                self._emit(body)
                code.append((GUARD, slot))  # an iteration that matched nothing ends the loop, as in `re`
                code.append((JMP, loop))
                code[loop] = (SPLIT, loop + 1, len(code)) if greedy else (SPLIT, len(code), loop + 1)
            else:
                splits = []
                for _ in range(high - low):
                    splits.append(len(code))
                    code.append(None)
                    self._emit(body)
                for split in splits:
                    code[split] = (SPLIT, split + 1, len(code)) if greedy else (SPLIT, len(code), split + 1)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            direction, pattern = av
            low, high = pattern.getwidth()
            inner = Program(pattern, self.flags)
            code.append((LOOK, inner, direction < 0, op is C.ASSERT_NOT, low))
        else:
            raise Unsupported(str(op))
        if len(code) > 200_000:
            raise Unsupported("pattern too large once its bounded repeats are unrolled")

    # -- running ----------------------------------------------------------------------------------
    def run(self, text: str, start: int, counter: Counter, end: Optional[int] = None) -> Optional[int]:
        """Where a match starting at `start` ends (at `end` if given), or None; counts its steps."""
        code, size = self.code, len(text)
        stack: List[Tuple[int, int, tuple]] = [(0, start, (None,) * self.slots)]
        steps, budget = counter.steps, counter.budget
        try:
            while stack:
                pc, pos, marks = stack.pop()
                while True:
                    steps += 1
                    if steps > budget:
                        raise OverBudget
                    instruction = code[pc]
                    kind = instruction[0]
                    if kind == CHAR:
                        if pos < size and instruction[1](text[pos]):
                            pos += 1
                            pc += 1
                            continue
                        break
                    if kind == SPLIT:
                        stack.append((instruction[2], pos, marks))
                        pc = instruction[1]
                    elif kind == JMP:
                        pc = instruction[1]
                    elif kind == AT:
                        if not instruction[1](text, pos):
                            break
                        pc += 1
                    elif kind == MARK:
                        slot = instruction[1]
                        marks = marks[:slot] + (pos,) + marks[slot + 1:]
                        pc += 1
                    elif kind == GUARD:
                        if marks[instruction[1]] == pos:
                            break
                        pc += 1
                    elif kind == LOOK:
                        _, inner, behind, negative, width = instruction
                        counter.steps = steps
                        if behind:
                            found = pos - width >= 0 and inner.run(text, pos - width, counter, end=pos) is not None
                        else:
                            found = inner.run(text, pos, counter) is not None
                        steps = counter.steps
                        if found == negative:
                            break
                        pc += 1
                    else:  # MATCH
                        if end is None or pos == end:
                            return pos
                        break
            return None
        finally:
            counter.steps = max(counter.steps, steps)


def parse(pattern: str, flags: int = 0) -> Program:
    return Program(sre_parse.parse(pattern, flags), flags)


def steps(program: Program, text: str, mode: str, budget: int) -> int:
    """Steps of `re` used as `mode` on `text`: "match" (match at the start), "fullmatch",
    or "scan" (search, findall, finditer, sub, split: an attempt at every position, a match
    skipped over); over `budget`, budget + 1."""
    counter = Counter(budget)
    try:
        if mode in ("match", "fullmatch"):
            program.run(text, 0, counter, end=len(text) if mode == "fullmatch" else None)
        else:
            position = 0
            while position <= len(text):
                found = program.run(text, position, counter)
                position = found if found is not None and found > position else position + 1
    except OverBudget:
        return budget + 1
    return counter.steps


# -- hostile texts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Repeat:
    body: object            # the parsed body of an unbounded or long repeat
    prefixes: Tuple[str, ...]  # strings that lead a match from the start of the pattern to it


class Shapes:
    """Shortest examples, first characters and repeats of a parsed pattern, over an alphabet
    with one character per class the pattern can tell apart."""

    def __init__(self, program: Program, pattern: str, flags: int):
        self.program = program
        self.parsed = sre_parse.parse(pattern, flags)
        self._matcher = {}
        candidates = dict.fromkeys(BASE_ALPHABET + self._literals(self.parsed))
        predicates = program.predicates
        classes: Dict[tuple, str] = {}
        for ch in candidates:
            signature = (tuple(p(ch) for p in predicates), ch.isalnum() or ch == "_", ch == "\n")
            classes.setdefault(signature, ch)
        self.alphabet = list(classes.values())
        self.repeats: List[Repeat] = []
        self._walk(self.parsed, ("",))

    def _literals(self, sequence) -> str:
        found = []
        for op, av in sequence:
            if op is C.LITERAL or op is C.NOT_LITERAL:
                ch = chr(av)
                found += [ch, ch.upper(), ch.lower()]
            elif op is C.IN:
                for kind, value in av:
                    if kind is C.LITERAL:
                        found.append(chr(value))
                    elif kind is C.RANGE:
                        found += [chr(value[0]), chr(value[1])]
            elif op is C.SUBPATTERN:
                found.append(self._literals(av[3]))
            elif op is C.BRANCH:
                found += [self._literals(alternative) for alternative in av[1]]
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
                found.append(self._literals(av[2]))
            elif op in (C.ASSERT, C.ASSERT_NOT):
                found.append(self._literals(av[1]))
        return "".join(found)

    def accepts(self, node, ch: str) -> bool:
        key = (node[0], repr(node[1]), ch)
        if key not in self._matcher:
            self._matcher[key] = self.program._compiled(node).fullmatch(ch) is not None
        return self._matcher[key]

    def examples(self, sequence, limit: int = 3) -> List[str]:
        """A few shortest strings `sequence` matches (one per alternative, up to `limit`)."""
        results = [""]
        for op, av in sequence:
            if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
                chars = [ch for ch in self.alphabet if self.accepts((op, av), ch)][:1]
                options = chars or [""]
            elif op is C.SUBPATTERN:
                options = self.examples(av[3], limit)
            elif op is C.BRANCH:
                options = [e for alternative in av[1] for e in self.examples(alternative, limit)]
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
                options = [e * av[0] for e in self.examples(av[2], limit)]
            elif op is C.ASSERT and av[0] < 0:
                options = self.examples(av[1], limit)  # what a lookbehind wants is already read
            else:  # AT, lookaheads and negative lookbehinds take no characters
                options = [""]
            results = list(dict.fromkeys(r + o for r in results for o in options))[:limit]
        return results

    def first(self, sequence) -> Tuple[Set[str], bool]:
        """Characters of the alphabet a match of `sequence` can start with, and whether it can be empty."""
        chars: Set[str] = set()
        for op, av in sequence:
            if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
                return chars | {ch for ch in self.alphabet if self.accepts((op, av), ch)}, False
            if op is C.SUBPATTERN:
                more, empty = self.first(av[3])
            elif op is C.BRANCH:
                parts = [self.first(alternative) for alternative in av[1]]
                more, empty = set().union(*(p[0] for p in parts)), any(p[1] for p in parts)
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
                more, empty = self.first(av[2])
                empty = empty or av[0] == 0
            else:
                more, empty = set(), True
            chars |= more
            if not empty:
                return chars, False
        return chars, True

    def _walk(self, sequence, prefixes: Tuple[str, ...]) -> Tuple[str, ...]:
        for node in sequence:
            op, av = node
            if op in (C.MAX_REPEAT, C.MIN_REPEAT):
                low, high, body = av
                if high - low > 1:
                    self.repeats.append(Repeat(body, prefixes))
                self._walk(body, prefixes)
            elif op is C.SUBPATTERN:
                self._walk(av[3], prefixes)
            elif op is C.BRANCH:
                for alternative in av[1]:
                    self._walk(alternative, prefixes)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                self._walk(av[1], prefixes)
            tails = self.examples([node])
            prefixes = tuple(dict.fromkeys(p + t for p in prefixes for t in tails))[:4]
        return prefixes

    def hostile_texts(self, length: int) -> Iterator[str]:
        """prefix + pumped string × as many as fit + last character, for every repeat."""
        seen = set()
        for repeat in self.repeats:
            starts, _ = self.first(repeat.body)
            pumps = [ch for ch in self.alphabet if ch in starts]
            pumps += [e for e in self.examples(repeat.body) if len(e) > 1]
            # Under search every position is a new start: the prefix pumped with the repeat's
            # character makes each attempt run to the end of the text.
            pumps += [p + ch for p in repeat.prefixes if p for ch in self.alphabet if ch in starts]
            for pump in dict.fromkeys(pumps):
                stoppers = [""] + [ch for ch in self.alphabet if ch not in starts]
                for prefix in dict.fromkeys(("",) + repeat.prefixes):
                    for last in stoppers:
                        count = (length - len(prefix) - len(last)) // len(pump)
                        text = prefix + pump * count + last
                        if text not in seen:
                            seen.add(text)
                            yield text


# A plain visitor message, for the cost of a normal text.
NORMAL_SENTENCES = (
    "Bonjour, je voudrais savoir si le CQP agent de prévention et de sécurité (RNCP 34172) est "
    "éligible au CPF. J'ai 5 ans d'expérience comme salarié à temps plein, depuis 2019, et un "
    "CDD de 18 mois avant. Mon email est jean.dupont@example.fr, mon téléphone 06 12 34 56 78, "
    "j'habite dans le 69 (code postal 69003). Est-ce que la VAE est possible ? Merci ! "
)


def normal_text(length: int) -> str:
    return (NORMAL_SENTENCES * (length // len(NORMAL_SENTENCES) + 1))[:length]


@dataclass(frozen=True)
class Verdict:
    normal: int          # steps on a plain message of the same length
    worst: int           # most steps found on a hostile text (budget + 1 if over it)
    witness: str         # that text
    budget: int


def worst_case(pattern: str, flags: int, modes: Sequence[str], length: int, factor: int) -> Verdict:
    """The most steps any hostile text of `length` characters costs, checked against
    `factor` times the cost of a plain message of that length (at least one step a character)."""
    program = parse(pattern, flags)
    normal = max(steps(program, normal_text(length), mode, 10 ** 9) for mode in modes)
    budget = factor * max(normal, length)
    worst, witness = 0, ""
    for text in Shapes(program, pattern, flags).hostile_texts(length):
        for mode in modes:
            cost = steps(program, text, mode, budget)
            if cost > worst:
                worst, witness = cost, text
            if worst > budget:
                return Verdict(normal, worst, witness, budget)
    return Verdict(normal, worst, witness, budget)
