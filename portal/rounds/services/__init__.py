"""Rules of prioritisation rounds, one concern per module.

* `access`: who may see and change a round;
* `phases`: the phases of a round (one transition table), creating and editing rounds, ideas
  joining a round;
* `catalogue`: the criteria catalogue: templates, editing the draft, freezing versions;
* `feed`: what the rounds module tells the newsfeed and the start page.

Lists are queries and live in `portal.rounds.queries`.
"""
