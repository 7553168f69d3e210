import Mustache

/// The portal's Mustache templates, compiled into the binary so that a server needs no files
/// beside it. `{{name}}` escapes for HTML; `{{{name}}}` inserts HTML the portal wrote itself
/// (a document from the Reports module, an SVG chart, a worded RAG badge).
enum Templates {
  /// Every template by name.
  static let sources: [String: String] = [
    "layout": layout,
    "signIn": signIn,
    "home": home,
    "message": message,
    "plan": plan,
    "element": element,
    "document": document,
    "summary": summary,
    "engagements": engagements,
    "engagement": engagement,
    "actions": actions,
    "public": publicPage,
  ]

  /// The page around every body: skip link, header with the sign-out form, navigation, main.
  static let layout = """
    <!doctype html>
    <html lang="en-GB">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{title}} – {{site}}</title>
    <link rel="stylesheet" href="/assets/assure.css">
    </head>
    <body>
    <a class="skip-link" href="#content">Skip to the content</a>
    <header class="portal-header">
    <p class="site-name"><a href="/">{{site}}</a></p>
    {{#user}}
    <p class="signed-in">Signed in as <span id="signed-in-as">{{name}} ({{role}})</span></p>
    <form method="post" action="/sign-out" class="sign-out">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit">Sign out</button>
    </form>
    {{/user}}
    </header>
    <nav aria-label="Portal" class="portal-nav">
    <ul>
    {{#nav}}
    <li><a href="{{path}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>
    {{/nav}}
    </ul>
    </nav>
    <main id="content" tabindex="-1">
    {{{body}}}
    </main>
    <footer class="portal-footer">
    <p>{{site}}. Figures are read from the office's records when the page is asked for.</p>
    </footer>
    </body>
    </html>

    """

  static let signIn = """
    <h1>Sign in</h1>
    <p>Sign in with a one-time code from the office's administrator
    (<code>assure-server user code NAME</code>). Each code works once.</p>
    {{#error}}<p id="error" class="error" role="alert">{{error}}</p>{{/error}}
    <form method="post" action="/sign-in" class="sign-in">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <input type="hidden" name="next" value="{{next}}">
    <div class="field">
    <label for="code">One-time code</label>
    <p class="hint" id="code-hint">Sixteen letters and digits, for example 7V2H-ATKX-M1EE-WQ1V.</p>
    <input id="code" name="code" type="text" autocomplete="one-time-code" autocapitalize="characters"
     spellcheck="false" aria-describedby="code-hint" required maxlength="64">
    </div>
    <button type="submit">Sign in</button>
    </form>
    {{#publicPage}}<p>Anyone may read the <a href="/public">published figures</a> without signing in.</p>{{/publicPage}}

    """

  static let home = """
    <h1>{{heading}}</h1>
    {{#hasPages}}
    <p>What you may read as {{roleName}}:</p>
    <ul class="page-list">
    {{#pages}}<li><a href="{{path}}">{{label}}</a>: {{about}}</li>
    {{/pages}}
    </ul>
    {{/hasPages}}
    {{^hasPages}}
    <p>Your role ({{roleName}}) reads nothing in the portal. The administration commands are on the server
    (<code>assure-server user</code>, <code>device</code>, <code>audit</code>).</p>
    {{/hasPages}}
    {{#publicPage}}<p>The <a href="/public">published figures</a> are open to everyone.</p>{{/publicPage}}

    """

  /// A refusal or an error: a heading and what to do.
  static let message = """
    <h1>{{heading}}</h1>
    {{#lines}}<p>{{.}}</p>
    {{/lines}}
    {{#link}}<p><a href="{{path}}">{{label}}</a></p>{{/link}}

    """

  static let plan = """
    <h1>{{planName}}: the delivery plan</h1>
    <p class="as-at">As at <time datetime="{{asOf}}">{{asOfText}}</time>, compared with the end of last month
    (<time datetime="{{lastMonthEnd}}">{{lastMonthEndText}}</time>).</p>
    <section aria-labelledby="rag-heading">
    <h2 id="rag-heading">RAG ratings this month and last month</h2>
    <div class="table-wrap" role="region" aria-labelledby="rag-heading" tabindex="0">
    <table id="rag-counts">
    <caption>Plan elements by RAG rating</caption>
    <thead><tr><th scope="col">Rating</th><th scope="col" class="num">Now</th><th scope="col" class="num">End of last month</th><th scope="col" class="num">Change</th></tr></thead>
    <tbody>
    {{#counts}}<tr data-rag="{{key}}"><th scope="row">{{{badge}}}</th><td class="num this-month">{{now}}</td><td class="num last-month">{{lastMonth}}</td><td class="num change">{{change}}</td></tr>
    {{/counts}}
    </tbody>
    </table>
    </div>
    </section>
    {{#objectives}}
    <section aria-labelledby="objective-{{index}}">
    <h2 id="objective-{{index}}">{{title}}</h2>
    {{#description}}<p>{{description}}</p>{{/description}}
    <div class="table-wrap" role="region" aria-labelledby="objective-{{index}}" tabindex="0">
    {{{table}}}
    </div>
    </section>
    {{/objectives}}

    """

  static let element = """
    <p class="breadcrumb"><a href="/plan">Delivery plan</a> › {{objective}}</p>
    <h1>{{id}} {{title}}</h1>
    {{#description}}<p>{{description}}</p>{{/description}}
    <dl class="facts">
    <dt>Status</dt><dd>{{status}}</dd>
    <dt>RAG</dt><dd>{{{badge}}}{{#override}} (set by hand: {{override}}){{/override}}</dd>
    <dt>OPCC lead</dt><dd>{{lead}}</dd>
    <dt>Force lead</dt><dd>{{forceLead}}</dd>
    <dt>Start</dt><dd>{{start}}</dd>
    <dt>Due</dt><dd>{{due}}</dd>
    </dl>
    <section id="history" aria-labelledby="history-heading">
    <h2 id="history-heading">History of status and RAG</h2>
    {{#hasHistory}}
    <div class="table-wrap" role="region" aria-labelledby="history-heading" tabindex="0">
    <table class="wide">
    <thead><tr><th scope="col">From</th><th scope="col">Status</th><th scope="col">RAG</th><th scope="col">Note</th><th scope="col">By</th></tr></thead>
    <tbody>
    {{#history}}<tr><td><time datetime="{{date}}">{{dateText}}</time></td><td>{{status}}</td><td>{{{badge}}}</td><td>{{note}}</td><td>{{author}}</td></tr>
    {{/history}}
    </tbody>
    </table>
    </div>
    {{/hasHistory}}
    {{^hasHistory}}<p>No status change is recorded.</p>{{/hasHistory}}
    </section>
    <section id="milestones" aria-labelledby="milestones-heading">
    <h2 id="milestones-heading">Milestones</h2>
    {{#hasMilestones}}
    <div class="table-wrap" role="region" aria-labelledby="milestones-heading" tabindex="0">
    <table>
    <thead><tr><th scope="col">Milestone</th><th scope="col">Due</th><th scope="col">Completed</th></tr></thead>
    <tbody>
    {{#milestones}}<tr><td>{{title}}</td><td><time datetime="{{due}}">{{dueText}}</time></td><td>{{completed}}</td></tr>
    {{/milestones}}
    </tbody>
    </table>
    </div>
    {{/hasMilestones}}
    {{^hasMilestones}}<p>No milestone is set.</p>{{/hasMilestones}}
    </section>
    <section id="updates" aria-labelledby="updates-heading">
    <h2 id="updates-heading">Progress updates</h2>
    {{#updates}}
    <article class="update">
    <h3><time datetime="{{date}}">{{dateText}}</time>: {{status}}</h3>
    <p class="meta">By {{author}}{{#forPanel}}; for the Panel{{/forPanel}}</p>
    {{#paragraphs}}<p>{{.}}</p>
    {{/paragraphs}}
    </article>
    {{/updates}}
    {{^updates}}<p>No progress update is recorded.</p>{{/updates}}
    </section>

    """

  /// The review or the Panel report inside the portal's page, with the form that picks another.
  static let document = """
    <form method="get" action="{{action}}" class="picker" aria-label="{{pickerLabel}}">
    {{#fields}}
    <div class="field"><label for="{{name}}">{{label}}</label>
    <input id="{{name}}" name="{{name}}" type="{{type}}" value="{{value}}" required></div>
    {{/fields}}
    <button type="submit">Show</button>
    </form>
    {{#download}}<p><a id="download" href="{{download}}" download>Download this report as an HTML file</a>
    (open it in a browser and print it to PDF).</p>{{/download}}
    <div class="document">
    {{{document}}}
    </div>

    """

  static let summary = """
    <h1>Engagements from <time datetime="{{from}}">{{fromText}}</time> to <time datetime="{{to}}">{{toText}}</time></h1>
    <form method="get" action="/engagements/summary" class="picker" aria-label="Choose the period">
    <div class="field"><label for="from">From</label><input id="from" name="from" type="date" value="{{from}}" required></div>
    <div class="field"><label for="to">To</label><input id="to" name="to" type="date" value="{{to}}" required></div>
    <button type="submit">Show</button>
    </form>
    <p class="total">A total of <strong id="total">{{total}}</strong> engagements took place in the period.</p>
    {{#mayList}}<p><a href="/engagements?from={{from}}&amp;to={{to}}">List these engagements</a></p>{{/mayList}}
    {{#tables}}
    <section aria-labelledby="{{id}}-heading">
    <h2 id="{{id}}-heading">{{heading}}</h2>
    <figure>
    {{{chart}}}
    </figure>
    <div class="table-wrap" role="region" aria-labelledby="{{id}}-heading" tabindex="0">
    <table id="{{id}}">
    <thead><tr><th scope="col">{{keyHeading}}</th><th scope="col" class="num">Engagements</th></tr></thead>
    <tbody>
    {{#rows}}<tr data-key="{{key}}"><th scope="row">{{label}}</th><td class="num count">{{count}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    </div>
    </section>
    {{/tables}}

    """

  static let engagements = """
    <h1>Engagements</h1>
    <form method="get" action="/engagements" class="filters" aria-label="Filter the engagements">
    <div class="field"><label for="from">From</label><input id="from" name="from" type="date" value="{{from}}"></div>
    <div class="field"><label for="to">To</label><input id="to" name="to" type="date" value="{{to}}"></div>
    <div class="field"><label for="area">Area</label><select id="area" name="area">
    <option value="">All areas</option>
    {{#areas}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/areas}}
    </select></div>
    <div class="field"><label for="officeholder">Who</label><select id="officeholder" name="officeholder">
    <option value="">Everyone</option>
    {{#officeholders}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/officeholders}}
    </select></div>
    <div class="field"><label for="kind">Kind</label><select id="kind" name="kind">
    <option value="">All kinds</option>
    {{#kinds}}<option value="{{code}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/kinds}}
    </select></div>
    <button type="submit">Filter</button>
    </form>
    <p id="shown">{{shownText}}</p>
    {{#hasRows}}
    <div class="table-wrap" role="region" aria-label="Engagements" tabindex="0">
    <table id="engagements" class="wide">
    <thead><tr><th scope="col">Date</th><th scope="col">Organisation</th><th scope="col">Who</th><th scope="col">Kind</th><th scope="col">Area</th></tr></thead>
    <tbody>
    {{#rows}}<tr data-engagement="{{id}}"><td><time datetime="{{date}}">{{dateText}}</time></td><th scope="row"><a href="/engagements/{{id}}">{{organisation}}</a></th><td>{{who}}</td><td>{{kind}}</td><td>{{area}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    </div>
    {{/hasRows}}
    {{#more}}<p><a href="{{more}}" rel="next">The next {{pageSize}}</a></p>{{/more}}

    """

  static let engagement = """
    <p class="breadcrumb"><a href="/engagements">Engagements</a></p>
    <h1>{{organisation}}</h1>
    <dl class="facts">
    <dt>Date</dt><dd><time datetime="{{date}}">{{dateText}}</time></dd>
    <dt>Who</dt><dd>{{who}}</dd>
    <dt>Kind</dt><dd>{{kind}}</dd>
    <dt>Place</dt><dd>{{place}}</dd>
    <dt>Area</dt><dd>{{area}}</dd>
    <dt>Attendees</dt><dd>{{attendees}}</dd>
    <dt>Topics</dt><dd>{{topics}}</dd>
    <dt>Plan link</dt><dd>{{#elementID}}<a href="/plan/elements/{{elementID}}">{{elementID}}</a>{{/elementID}}{{^elementID}}{{objectiveID}}{{/elementID}}</dd>
    <dt>Recorded by</dt><dd>{{createdBy}}</dd>
    </dl>
    <section aria-labelledby="notes-heading">
    <h2 id="notes-heading">Notes</h2>
    <div id="notes">
    {{#notes}}<p>{{.}}</p>
    {{/notes}}
    {{^notes}}<p>No notes.</p>{{/notes}}
    </div>
    </section>
    <section aria-labelledby="follow-up-heading">
    <h2 id="follow-up-heading">Follow-up actions</h2>
    {{#hasFollowUps}}<ul>{{#followUps}}<li>{{.}}</li>{{/followUps}}</ul>{{/hasFollowUps}}
    {{^hasFollowUps}}<p>None.</p>{{/hasFollowUps}}
    </section>

    """

  static let actions = """
    <h1>Open actions</h1>
    <p class="as-at">As at <time datetime="{{asOf}}">{{asOfText}}</time>: {{summary}}</p>
    {{#hasRows}}
    <div class="table-wrap" role="region" aria-label="Open actions" tabindex="0">
    <table id="actions" class="wide">
    <thead><tr><th scope="col">Action</th><th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Due state</th><th scope="col">Meeting</th><th scope="col">Plan element</th></tr></thead>
    <tbody>
    {{#rows}}<tr data-action="{{id}}"><th scope="row">{{text}}</th><td>{{owner}}</td><td>{{#due}}<time datetime="{{due}}">{{dueText}}</time>{{/due}}{{^due}}no date{{/due}}</td><td class="due-state"><span class="due {{stateClass}}">{{state}}</span></td><td><time datetime="{{meeting}}">{{meetingText}}</time></td><td>{{#elementID}}<a href="/plan/elements/{{elementID}}">{{elementID}}</a>{{/elementID}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    </div>
    {{/hasRows}}
    {{^hasRows}}<p>No action is open.</p>{{/hasRows}}

    """

  static let publicPage = """
    <h1>{{forceName}}: how the plan is going</h1>
    <p class="as-at">Published figures as at <time datetime="{{asOf}}">{{asOfText}}</time>. Counts only:
    no engagement's notes, people or organisations are shown here.</p>
    <section aria-labelledby="rag-heading">
    <h2 id="rag-heading">{{planName}}: plan elements by RAG rating</h2>
    <div class="table-wrap" role="region" aria-labelledby="rag-heading" tabindex="0">
    <table id="public-rag">
    <thead><tr><th scope="col">Rating</th><th scope="col" class="num">Now</th><th scope="col" class="num">End of last month</th></tr></thead>
    <tbody>
    {{#counts}}<tr data-rag="{{key}}"><th scope="row">{{{badge}}}</th><td class="num this-month">{{now}}</td><td class="num last-month">{{lastMonth}}</td></tr>
    {{/counts}}
    </tbody>
    </table>
    </div>
    </section>
    {{#tables}}
    <section aria-labelledby="{{id}}-heading">
    <h2 id="{{id}}-heading">{{heading}}</h2>
    <figure>
    {{{chart}}}
    </figure>
    <div class="table-wrap" role="region" aria-labelledby="{{id}}-heading" tabindex="0">
    <table id="{{id}}">
    <thead><tr><th scope="col">{{keyHeading}}</th><th scope="col" class="num">Engagements</th></tr></thead>
    <tbody>
    {{#rows}}<tr data-key="{{key}}"><th scope="row">{{label}}</th><td class="num count">{{count}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    </div>
    </section>
    {{/tables}}
    <section aria-labelledby="indicators-heading">
    <h2 id="indicators-heading">Performance indicators</h2>
    {{#hasIndicators}}
    <div class="table-wrap" role="region" aria-labelledby="indicators-heading" tabindex="0">
    <table id="indicators" class="wide">
    <thead><tr><th scope="col">Indicator</th><th scope="col">Latest period</th><th scope="col" class="num">Value</th><th scope="col" class="num">Target</th><th scope="col">Flags</th></tr></thead>
    <tbody>
    {{#indicators}}<tr data-indicator="{{id}}"><th scope="row">{{name}}</th><td>{{period}}</td><td class="num">{{value}}</td><td class="num">{{target}}</td><td class="flags">{{flags}}</td></tr>
    {{/indicators}}
    </tbody>
    </table>
    </div>
    {{/hasIndicators}}
    {{^hasIndicators}}<p>No indicator is published yet.</p>{{/hasIndicators}}
    </section>

    """
}
