"""Demo content for `manage.py load_demo`: one long article, two updates, a dozen comments.

Written for Parley's demo; any resemblance to a real publication's wording is accidental.
"""

ARTICLE_SLUG = "after-the-blackout-can-europes-grid-keep-up"
ARTICLE_TITLE = "After the Blackout: Can Europe's Power Grid Keep Up With Its Own Ambitions?"
ARTICLE_STANDFIRST = (
    "A continent that wants to run on wind and sun is discovering that the wires matter as "
    "much as the turbines. A look at what failed, what is being fixed, and what is still "
    "being argued about."
)
ARTICLE_BODY = """\
When the lights went out across the Iberian Peninsula one spring afternoon, the first
questions were about blame. Was it a cyber attack? A heatwave? Too much solar power? The
answers that engineers have pieced together since are less dramatic and more useful: a
chain of ordinary events met a system that had too little room to absorb them.

That is the real story for the rest of Europe. The blackout was not a verdict on renewable
energy. It was a stress test of a grid that was designed for a different century.

## How a modern grid stays upright

An electricity network is a balancing act that never pauses. Supply has to match demand
second by second, and the frequency of the alternating current, 50 hertz in Europe, is the
signal that tells operators whether the balance is holding.

For most of the last hundred years, that balance was helped by physics. Large coal, gas
and nuclear plants spin heavy turbines in step with the grid. When something trips, that
spinning mass resists the change for a few precious seconds. Engineers call it *inertia*,
and it buys time for automatic controls to react.

Solar panels and most modern wind turbines connect through power electronics instead. They
are fast and flexible, but unless they are told to, they do not offer that same cushion.
As their share grows, the cushion has to be built on purpose.

## What the investigations pointed to

Official reports have been careful, and some details are still disputed between operators
and generators. The broad outline, however, is shared:

- **Voltage, not just frequency.** Oscillations and rising voltage in the southern part of
  the network caused generators to disconnect to protect themselves, which made matters worse.
- **Too few plants providing control.** Fewer conventional units were running that day, and
  the ones that were did not all deliver the voltage support expected of them.
- **Weak links to the neighbours.** Spain and Portugal are connected to France by only a
  handful of lines, so help from the wider continental system was limited.
- **Protection settings built for yesterday.** Safety thresholds that made sense for a
  fossil-heavy system tripped large amounts of generation within seconds.

None of these is exotic. Each is a known engineering problem with known remedies. The
question is whether those remedies arrive at the speed the energy transition demands.

## The fixes on the table

Across Europe, grid operators and regulators are now talking openly about the unglamorous
work. Some of it is hardware: synchronous condensers (essentially spinning machines that
produce no power but provide inertia and voltage control), large batteries with
grid-forming inverters, and new cross-border lines. Some of it is rules: requiring new wind
and solar farms to help stabilise voltage, and paying for those services properly.

> "We spent twenty years learning how to build cheap renewable generation," one network
> planner told a conference this autumn. "Now we have to spend the next ten learning how to
> run a system made of it."

Money is the sticking point. Europe's network companies estimate that hundreds of billions
of euros of grid investment will be needed this decade. Consumers pay for networks through
their bills, and governments facing a cost-of-living backlash are wary of adding to them.

## A scorecard for the year since

How far has Europe moved? An informal scorecard, based on public plans and announcements:

1. **Understanding what happened: good.** Detailed technical reports are out, and their
   findings are being discussed in public rather than buried.
2. **Voltage-control rules: improving.** Several operators have changed, or proposed to
   change, what they require from generators connected to their networks.
3. **Grid-forming storage: early.** Pilot projects are running, but few are at the scale
   that would matter in a continental emergency.
4. **Interconnection: slow.** New links between the Iberian Peninsula and France are
   approved, yet still years from carrying power.
5. **Planning and permits: mixed.** Faster permitting for lines is promised in many
   capitals, while local opposition to new pylons has not gone away.
6. **Paying for it: unresolved.** Nobody has yet found a politically comfortable way to
   share the bill between households, industry and taxpayers.

## What readers should watch

For anyone trying to follow the debate, three signals are worth more than any headline.
First, watch whether regulators let network companies invest *ahead* of need, instead of
waiting for congestion to prove the case. Second, watch the market rules for stability
services: if they are paid for, they will be built. Third, watch interconnection dates.
Every year a planned cable slips is a year in which a regional grid stands a little more
alone.

## Conclusion

The blackout was a warning delivered at a tolerable cost: hours without power, not weeks.
It showed that a cleaner grid is also a grid that must be engineered more deliberately, with
stability treated as a product to be bought and not a side effect to be assumed.

Europe has the technology to do that. What it has not yet shown is the patience to fund the
boring parts before the next warning arrives with a larger bill attached.
"""

UPDATES = [
    (
        40,
        "A reader pointed out that we described synchronous condensers as new. They are not: "
        "the technology is decades old, and what is new is its return to grids that are "
        "closing their large power stations. The text has been clarified.",
    ),
    (
        10,
        "The Iberian and French operators have published a joint timetable for the next "
        "cross-border line. We have updated the **interconnection** entry of the scorecard; "
        "our grade stays at *slow* until construction begins.",
    ),
]

# (key, parent key or None, name, website, text, minutes before now)
COMMENTS = [
    (
        "a",
        None,
        "Marta Oliveira",
        "",
        "I live near Porto and the strangest part was how quiet "
        "everything became. No traffic lights, no trams, and everyone out on the street "
        "comparing notes on radios. Thank you for explaining the voltage side of it; most "
        "coverage only talked about solar.",
        2000,
    ),
    (
        "b",
        "a",
        "Jonas Berg",
        "https://example.org/jonas",
        "Same here in Seville. Radios "
        "turned out to be the most useful thing in the house that evening.",
        1900,
    ),
    (
        "c",
        "b",
        "Marta Oliveira",
        "",
        "My grandmother was very pleased that her old "
        "battery radio was suddenly the *star* of the family.",
        1850,
    ),
    (
        "d",
        None,
        "Priya Raman",
        "",
        "The scorecard is a nice touch. I'd argue that "
        '"planning and permits" deserves a lower grade: announcements are not the same as '
        "lines in the ground.",
        1700,
    ),
    (
        "e",
        "d",
        "Tom Whitaker",
        "",
        "Agreed. Faster permits were promised in my country three governments ago.",
        1650,
    ),
    (
        "f",
        "e",
        "Priya Raman",
        "",
        "Which is exactly why I'd like to see dates, not intentions.",
        1600,
    ),
    (
        "g",
        "f",
        "Henrik Sørensen",
        "https://example.net",
        "Dates slip too. The honest "
        "metric is kilometres of line energised per year, published every quarter.",
        1550,
    ),
    (
        "h",
        None,
        "Lena Fischer",
        "",
        "Could you do a follow-up on grid-forming batteries? "
        "I keep reading that they can do what spinning turbines did, but nobody explains "
        "**how**.",
        1200,
    ),
    (
        "i",
        "h",
        "Ade Okafor",
        "",
        "Short version: the inverter sets its own voltage "
        "waveform instead of following the grid's, so it behaves more like a generator. "
        "There's a decent primer at https://example.com/grid-forming if you want detail.",
        1100,
    ),
    (
        "j",
        "i",
        "Lena Fischer",
        "",
        "That helps, thanks. So it's a software decision as much as a hardware one?",
        1050,
    ),
    (
        "k",
        "j",
        "Ade Okafor",
        "",
        "Largely, yes, plus enough headroom in the hardware to "
        "deliver extra current when a fault hits.",
        1000,
    ),
    (
        "l",
        None,
        "Sam Doyle",
        "",
        "Who pays remains the real question. Network charges are already a big part of my bill.",
        300,
    ),
]
