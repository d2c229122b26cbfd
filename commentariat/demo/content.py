"""The demo site: invented posts and readers, written for Commentariat.

Every name, town, newspaper and quotation below is fictional.
"""



AUTHOR = {"username": "maren", "first_name": "Maren", "last_name": "Holt"}

LIBRARY_LEVY = """\
Last Tuesday the Aldermoor town council voted five to four to put a library levy on the spring
ballot. On paper it is a small thing: a property-tax increase worth about the price of two
paperbacks a year for the median household. In practice it has become the most argued-over
question in town since the bypass, and the argument tells us more about how Aldermoor thinks
about trust than about books.

This post walks through the numbers, the arguments on each side, and what I think both sides
are missing. It is long. Pour something.

## What is actually on the table

![A bar chart of the levy's three uses: Sunday hours, the Eastgate roof and the heating reserve](/static/commentariat/demo/levy-uses.svg)

The levy would raise roughly 410,000 a year for six years. The library's own budget request
lists three uses, in this order: restoring Sunday hours at the main branch, replacing the roof
of the Eastgate branch, and a reserve for the building's heating system, which the facilities
report describes as "operating on borrowed time".

The *Aldermoor Courier* summed up the council debate in a way that stuck with me:

> The question before the council was not whether the library matters. Every member said it
> does. The question was whether voters would believe that money raised for the library would
> stay with the library.
>
> <cite>— Aldermoor Courier, council report, October 14</cite>

That is the heart of it. Nobody at the meeting argued against libraries. The four members who
voted no argued, in different words, that the town had asked for money for specific things
before and spent it on other things.

## The history behind the suspicion

They are not making this up. In the 2019 road bond, about a fifth of the money went to a
drainage project that was arguably necessary but was not on the ballot language. The council
of the day explained the change in a single line of the minutes:

> Staff recommend reallocation of remaining bond capacity to the Millrace culvert in light of
> revised engineering estimates.
>
> <cite>— Council minutes, March 2021</cite>

One sentence, in the minutes, two years after the vote. Whatever the merits of the culvert,
that is how you teach voters to read every ballot measure as a blank cheque.

## What the library says it will do differently

To its credit, the library board seems to understand this. Its proposal includes three
commitments that the road bond did not have:

1. A separate fund, audited every year, with the audit posted on the library's website.
2. A citizens' oversight panel of five, two of them chosen by lot from volunteers.
3. A sunset: the levy ends after six years unless voters renew it.

None of these is new. Other towns have done all three. But together they are a serious attempt
to answer the trust question rather than wave it away.

## What a reader pointed out

When I wrote about the first council hearing in September, a reader going by *Tomasz W.* left
a comment that I have not been able to stop thinking about:

> The oversight panel is the part that matters, and it is the part most likely to be quietly
> starved. Nobody fights about a panel. They just stop giving it documents, and after a year it
> meets twice and nobody notices.
>
> <cite>— Tomasz W., in the comments on "The First Levy Hearing"</cite>

He is right, and I think it points at what both sides are missing. The yes side treats the
oversight panel as a concession that closes the argument. The no side treats it as decoration.
Both assume it will either work or not work by itself. Panels like this work when someone keeps
asking them what they found, in public, on a schedule.

## Where I come down

I will vote yes, with conditions I intend to hold the board to:

- The first audit is published before the second year's money is collected.
- The oversight panel's minutes are posted within two weeks of each meeting.
- Any change in how the money is spent is announced *before* it happens, with the reasoning.

If those three things happen, the levy will have done something more valuable than fix a roof:
it will have shown that the town can ask for money for a named purpose and spend it on that
purpose. If they do not happen, I expect to be writing a very different post in two years, and
I expect the comments below it to be unkind.

As always, tell me where I am wrong. The comment section is open, and I read all of it.
"""

SHORT_POSTS = [
    {
        "slug": "why-we-number-our-comments",
        "title": "Why we number our comments",
        "published_at": "2026-11-03T08:30:00+00:00",
        "body": """\
Regular readers will have noticed that every comment here now carries a number: 1, 2, 2.1,
2.1.1 and so on. A few of you asked why.

The short answer is that arguments need addresses. When someone writes "as I said above", the
reader has to scroll and guess. When someone writes "see 14.2", everyone knows exactly where to
look, and the number links straight to it.

A few rules keep the numbers useful:

- A number never changes once it has been shown.
- Replies are numbered under the comment they answer, up to five levels deep.
- If a comment is removed but others replied to it, its number stays, with a note that it was
  removed, so the replies still make sense.

> A thread you can cite is a thread you can argue in.
>
> <cite>— a reader, in an email that convinced me</cite>
""",
        "comments": [
            ("a", None, "Priya N.", "priya@example.net", "", 40, "Finally. I have been writing \"the comment by the person with the owl avatar\" for years."),
            ("b", "a", "Jonas Eck", "jonas.eck@example.org", "https://example.org/jonas", 95, "The owl person will be sad to lose their fame."),
            ("c", None, "Ruth Abara", "ruth@example.com", "", 180, "Does the numbering restart on each page of comments, or carry on?"),
            ("d", "c", "Maren Holt", "maren@example.com", "", 200, "It carries on: page two starts where page one stopped, so a number means the same thing everywhere."),
        ],
    },
    {
        "slug": "reading-list-november",
        "title": "Reading list: budgets, bridges and one very long novel",
        "published_at": "2026-11-12T18:00:00+00:00",
        "body": """\
Things I read this month that are worth your time, in no particular order.

- **A county auditor's annual letter.** Dry, short, and more candid than most op-eds. The
  section on deferred maintenance should be required reading before any levy vote.
- **A history of the town's three bridges**, written by a retired schoolteacher and published
  by the historical society. The chapter on the 1952 flood is wonderful.
- **A very long novel about a family-run ferry.** I am two-thirds of the way through. No
  spoilers in the comments, please.

What are you reading? Recommendations welcome below.
""",
        "comments": [
            ("a", None, "Lena Fischer", "lena.f@example.de", "", 120, "The bridge history sounds lovely. Is it in the library, or only at the society's shop?"),
            ("b", "a", "Maren Holt", "maren@example.com", "", 150, "Both, as far as I know. The library copy had a waiting list last week."),
            ("c", None, "Dev Raman", "dev@example.in", "", 300, "I am reading an old book on the history of public libraries 📚 and it is *extremely* relevant to the levy argument."),
        ],
    },
    {
        "slug": "summer-break-notes",
        "title": "Back from the summer break",
        "published_at": "2026-09-02T07:00:00+00:00",
        "comments_open": False,
        "body": """\
The site is back after six weeks away. Thank you to everyone who wrote in while it was quiet.

Over the break I moved the comment section to new software. Your old comments are all here,
with their replies, and the threads read as they did.

Comments on this post are closed; the conversation has moved on to newer posts.
""",
        "comments": [
            ("a", None, "Ruth Abara", "ruth@example.com", "", 60, "Welcome back! The comment section looks much tidier."),
            ("b", "a", "Tomasz W.", "tomasz@example.pl", "", 90, "Agreed, and it is faster on my phone."),
        ],
    },
]

LIBRARY_LEVY_POST = {
    "slug": "library-levy-and-trust",
    "title": "The library levy is really a vote on trust",
    "published_at": "2026-11-20T07:15:00+00:00",
    "excerpt": (
        "Aldermoor will vote on a library levy in the spring. The argument is not about books: "
        "it is about whether the town believes money raised for one thing will be spent on it."
    ),
    "body": LIBRARY_LEVY,
}

# (key, parent key, name, email, website, minutes after publication, text)
LIBRARY_LEVY_COMMENTS = [
    ("1", None, "Tomasz W.", "tomasz@example.pl", "", 35,
     "Thank you for quoting me, though I would have phrased it more kindly if I had known.\n\n"
     "I will add one thing: the panel should have its own small budget, even a token one. A body "
     "that has to ask staff for photocopies is a body that can be ignored."),
    ("1.1", "1", "Maren Holt", "maren@example.com", "", 50,
     "That is a good, concrete addition. I will put it to the board at the next open session."),
    ("1.1.1", "1.1", "Tomasz W.", "tomasz@example.pl", "", 62,
     "Please do. Even 2,000 a year would change the dynamic."),
    ("1.2", "1", "Greta Lindqvist", "greta@example.se", "https://example.se/greta", 80,
     "Budget, yes, but also the right to ask for documents and get them within a set time. "
     "Money without access just buys a nicer room to be ignored in."),
    ("1.2.1", "1.2", "Tomasz W.", "tomasz@example.pl", "", 95, "Fair. Access first, then money."),
    ("2", None, "Harold Pike", "hpike@example.com", "", 70,
     "I was on the council in 2019 and I want to push back a little on the culvert story.\n\n"
     "> One sentence, in the minutes, two years after the vote.\n\n"
     "It was discussed at three public meetings. It was in the minutes because that is where "
     "decisions are recorded. Nobody came."),
    ("2.1", "2", "Maren Holt", "maren@example.com", "", 88,
     "That is fair, and I should have said it was discussed. But \"it was on an agenda nobody "
     "reads\" is, I think, exactly the problem the levy has to overcome."),
    ("2.1.1", "2.1", "Harold Pike", "hpike@example.com", "", 101,
     "I do not disagree. I only want it recorded that nobody was hiding anything."),
    ("2.2", "2", "Ines Carvalho", "ines@example.pt", "", 130,
     "Three meetings at 2 pm on weekdays. I work. Most people work."),
    ("2.2.1", "2.2", "Harold Pike", "hpike@example.com", "", 142,
     "The evening sessions were my idea, for what it is worth. They started in 2022."),
    ("2.3", "2", "Sam Okafor", "sam.okafor@example.org", "", 160,
     "Both things can be true: the process was legal and open, and it still taught people not to "
     "trust the ballot language."),
    ("3", None, "Beatrix Moll", "bea@example.at", "", 110,
     "Honest question: why six years? Roofs last longer than that and heating systems certainly "
     "do. It feels like a number picked to sound short."),
    ("3.1", "3", "Dev Raman", "dev@example.in", "", 125,
     "State law caps levies without a renewal vote at six years, if I remember the statute "
     "right. So it is the longest it could be."),
    ("3.1.1", "3.1", "Beatrix Moll", "bea@example.at", "", 140,
     "Oh. That is a much better reason than I assumed. Thank you."),
    ("4", None, "Lena Fischer", "lena.f@example.de", "", 190,
     "Sunday hours are what my family actually uses. Weekdays the library is closed by the time "
     "we are home. I would vote for the levy for that alone."),
    ("4.1", "4", "Priya N.", "priya@example.net", "", 205,
     "Same. The roof is important, but nobody knocks on doors saying \"vote for the roof\"."),
    ("4.1.1", "4.1", "Jonas Eck", "jonas.eck@example.org", "https://example.org/jonas", 230,
     "Someone should. \"Vote for the roof\" is a wonderful yard sign."),
    ("5", None, "Ruth Abara", "ruth@example.com", "", 260,
     "The proposal lists the three uses in order. Does the order mean anything? If the money "
     "comes in short, does the heating reserve go first?"),
    ("5.1", "5", "Maren Holt", "maren@example.com", "", 275,
     "The budget request does not say. That is a good question to put in writing to the board, "
     "and I will."),
    ("5.2", "5", "Ines Carvalho", "ines@example.pt", "", 300,
     "This is exactly the kind of thing that should be decided *before* the vote, not explained "
     "in the minutes afterwards."),
    ("6", None, "Kwame Mensah", "kwame@example.gh", "", 340,
     "Long-time reader, first comment. The three conditions at the end are the best part of the "
     "post. I would print them on the ballot if I could."),
    ("6.1", "6", "Greta Lindqvist", "greta@example.se", "https://example.se/greta", 365,
     "Agreed. Conditions that are written down can be checked. Promises made at a meeting cannot."),
    ("7", None, "Otto Brandt", "otto@example.com", "", 420,
     "I will vote no. Not because of the library, which I like, but because the assessment on my "
     "house went up again this year and every levy is \"only the price of two paperbacks\"."),
    ("7.1", "7", "Sam Okafor", "sam.okafor@example.org", "", 440,
     "That is the most honest no I have read so far. The small-amount argument does add up."),
    ("7.2", "7", "Priya N.", "priya@example.net", "", 455,
     "Is there a senior or low-income exemption? Some levies have one."),
    ("7.2.1", "7.2", "Otto Brandt", "otto@example.com", "", 470,
     "Not in this one, as far as I can tell. That would change my vote, actually."),
]
