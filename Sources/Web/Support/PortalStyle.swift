import Reports

/// The portal's one style sheet, served as `/assets/assure.css`: the documents' sheet (tables,
/// RAG badges, print rules) and the portal's own parts (header, navigation, forms, charts).
///
/// Colours meet WCAG 2.2 AA: text 4.5:1 on its background, focus outlines and bars 3:1.
enum PortalStyle {
  static let css = DocumentHTML.styleSheet + "\n" + portal

  static let portal = """
    .skip-link { position: absolute; left: -999px; top: 0; padding: 0.5rem 1rem; background: #ffdd00; color: #0b0c0c; }
    .skip-link:focus { left: 0; z-index: 10; }
    .portal-header { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; justify-content: space-between;
      background: #0b0c0c; color: #ffffff; padding: 0.75rem 1rem; }
    .portal-header a { color: #ffffff; }
    .portal-header p { margin: 0; }
    .site-name { font-weight: bold; font-size: 1.1rem; }
    .sign-out { margin: 0; }
    .portal-nav { border-bottom: 1px solid #b1b4b6; padding: 0 1rem; }
    .portal-nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0 1.25rem; }
    .portal-nav a { display: inline-block; padding: 0.6rem 0; color: #1d70b8; }
    .portal-nav a[aria-current="page"] { color: #0b0c0c; font-weight: bold; border-bottom: 4px solid #1d70b8; }
    main { outline: none; }
    .portal-footer { border-top: 1px solid #b1b4b6; margin-top: 2rem; padding: 1rem; color: #505a5f; font-size: 0.9rem; }
    a { color: #1d70b8; }
    a:visited { color: #4c2c92; }
    a:focus, button:focus, input:focus, select:focus, [tabindex]:focus { outline: 3px solid #ffdd00; outline-offset: 0;
      box-shadow: 0 0 0 5px #0b0c0c; }
    button { font: inherit; padding: 0.4rem 1rem; background: #00703c; color: #ffffff; border: 2px solid #002d18; cursor: pointer; }
    .portal-header button { background: #ffffff; color: #0b0c0c; border-color: #ffffff; }
    .field { margin: 0 0 0.75rem; }
    .field label { display: block; font-weight: bold; }
    input, select { font: inherit; padding: 0.3rem; border: 2px solid #0b0c0c; max-width: 100%; }
    .picker, .filters { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: flex-end; margin: 1rem 0; }
    .picker .field, .filters .field { margin: 0; }
    .hint { color: #505a5f; margin: 0 0 0.25rem; }
    .error { color: #d4351c; border-left: 5px solid #d4351c; padding-left: 0.75rem; font-weight: bold; }
    .error { color: #a8201a; border-left-color: #a8201a; }
    .breadcrumb { margin-top: 1rem; }
    .facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
    .facts dt { font-weight: bold; }
    .facts dd { margin: 0; }
    .page-list li { margin-bottom: 0.5rem; }
    .due { padding: 0 0.3rem; border: 1px solid #505a5f; }
    .due-overdue { border: 2px solid #a8201a; font-weight: bold; }
    .due-soon { border: 2px dashed #8a5a00; }
    /* A row's header may be a long name (an element, an indicator): it wraps, so the figures
       beside it keep their width and the table fits the page. */
    tbody th[scope="row"] { white-space: normal; overflow-wrap: normal; min-width: 10rem; }
    td.flags { min-width: 9rem; }
    figure svg { max-width: 100%; height: auto; }
    .chart-bar { fill: #1d70b8; }
    .chart-label { fill: #0b0c0c; font-size: 13px; }
    .update { border-left: 4px solid #b1b4b6; padding-left: 0.75rem; margin-bottom: 1rem; }
    @media print {
      .skip-link, .portal-nav, .sign-out, .picker, .filters, .portal-footer, #download { display: none; }
      .portal-header { background: none; color: #000000; border-bottom: 1px solid #000000; }
      .portal-header a { color: #000000; }
      .chart-bar { fill: #505a5f; }
    }
    """
}
