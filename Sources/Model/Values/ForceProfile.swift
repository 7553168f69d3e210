import Foundation

/// How the force and its office are named in what Assure writes: the force, its plan, its
/// Panel, its Commissioner's title, the officeholders it has and their titles, and the names
/// of its reach measures.
///
/// Kept by the governance team (`assure force set`) in the server's database. Reports read it,
/// so that another force's report carries its own names and none of West Mercia's. A
/// database that holds none uses ``standard``: the statutory names, no force name, and no
/// name for a force-specific alert service.
public struct ForceProfile: Sendable, Hashable, Codable {
  /// One office that attends engagements, as this force names it.
  public struct Office: Sendable, Hashable, Codable {
    public var code: Officeholder
    /// In full, e.g. "Police, Fire and Crime Commissioner" or "Deputy PCC".
    public var title: String
    /// As running text abbreviates it, e.g. "PFCC" or "Deputy PCC".
    public var short: String

    public init(code: Officeholder, title: String, short: String? = nil) {
      self.code = code
      self.title = title
      self.short = short ?? title
    }
  }

  /// The force's name, e.g. "West Mercia"; empty when not set.
  public var forceName: String
  /// The Police and Crime Plan's name, e.g. "Safer West Mercia Plan".
  public var planName: String
  /// The Panel the quarterly report goes to, e.g. "Police, Fire and Crime Panel".
  public var panelName: String
  /// The Commissioner's title in full and abbreviated, e.g. "Police and Crime Commissioner", "PCC".
  public var commissionerTitle: String
  public var commissionerShort: String
  /// The offices that attend engagements, in order: a force with no Assistant PCC lists none.
  public var offices: [Office]
  /// Names of reach measures by metric code, e.g. `neighbourhood-matters`: "Neighbourhood Matters".
  public var reachNames: [String: String]
  /// The subjects correspondence is recorded under, in order, each as the report writes it.
  public var correspondenceSubjects: [Term]

  /// The kinds of engagement the force records, in order.
  public var engagementKinds: [Term]

  /// A code of one of the force's lists (a correspondence subject, a kind of engagement)
  /// with its title.
  public struct Term: Sendable, Hashable, Codable {
    /// Lower-case code, e.g. `road-safety`.
    public var code: String
    /// As the report writes it, e.g. "road safety".
    public var title: String

    public init(code: String, title: String) {
      self.code = code
      self.title = title
    }
  }

  /// The six standard subjects.
  public static let standardSubjects = CorrespondenceSubject.known.map { Term(code: $0.rawValue, title: $0.title) }

  /// The standard kinds of engagement.
  public static let standardKinds = EngagementKind.known.map {
    Term(code: $0.rawValue, title: $0.rawValue.replacingOccurrences(of: "-", with: " "))
  }

  /// A subject's title: the force's, else the standard one, else its code.
  public func title(ofSubject code: String) -> String {
    correspondenceSubjects.first { $0.code == code }?.title ?? CorrespondenceSubject(rawValue: code).title
  }

  public init(
    forceName: String = "", planName: String = "Police and Crime Plan", panelName: String = "Police and Crime Panel",
    commissionerTitle: String = "Police and Crime Commissioner", commissionerShort: String = "PCC",
    offices: [Office] = ForceProfile.standardOffices, reachNames: [String: String] = [:],
    correspondenceSubjects: [Term] = ForceProfile.standardSubjects, engagementKinds: [Term] = ForceProfile.standardKinds
  ) {
    self.correspondenceSubjects = correspondenceSubjects
    self.engagementKinds = engagementKinds
    self.forceName = forceName
    self.planName = planName
    self.panelName = panelName
    self.commissionerTitle = commissionerTitle
    self.commissionerShort = commissionerShort
    self.offices = offices
    self.reachNames = reachNames
  }

  /// The statutory offices: a PCC, a Deputy PCC and an Assistant PCC.
  public static let standardOffices = [
    Office(code: .pcc, title: "Police and Crime Commissioner", short: "PCC"),
    Office(code: .dpcc, title: "Deputy PCC"),
    Office(code: .apcc, title: "Assistant PCC"),
  ]

  /// What a database with no profile uses.
  public static let standard = ForceProfile()

  /// The office with this code, if the force has it.
  public func office(_ code: Officeholder) -> Office? { offices.first { $0.code == code } }

  /// An office's title in full; the code's standard title when the force does not name it.
  public func title(of code: Officeholder) -> String { office(code)?.title ?? code.title }

  /// An office's title as running text abbreviates it.
  public func short(of code: Officeholder) -> String { office(code)?.short ?? code.title }

  /// "the Safer West Mercia Plan"; a name starting with "the" is left as is.
  public var planPhrase: String { planName.lowercased().hasPrefix("the ") ? planName : "the " + planName }

  public static let nameLength = 120

  /// Whether `text` is a well-formed code: 1 to 40 lower-case letters, digits or hyphens.
  public static func isCode(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.count <= 40
      && text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
  }

  public func validate() throws(ValidationError) {
    var v = ViolationCollector()
    v.text(forceName, "force_name", required: false, max: Self.nameLength)
    v.text(planName, "plan_name", required: true, max: Self.nameLength)
    v.text(panelName, "panel_name", required: true, max: Self.nameLength)
    v.text(commissionerTitle, "commissioner_title", required: true, max: Self.nameLength)
    v.text(commissionerShort, "commissioner_short", required: true, max: 20)
    if offices.isEmpty { v.fail("offices", "at least one office attends engagements (the Commissioner's)") }
    for office in offices {
      v.check(office.code.isKnown, "offices", "code must be one of \(Officeholder.knownList) (got \"\(office.code)\")")
      v.text(office.title, "offices", required: true, max: Self.nameLength)
      v.text(office.short, "offices", required: true, max: Self.nameLength)
    }
    if Set(offices.map(\.code)).count != offices.count { v.fail("offices", "each office may be named once") }
    for (metric, name) in reachNames {
      v.check(
        ReachMetric(rawValue: metric).isKnown, "reach_names",
        "\(metric) is not a reach metric (\(ReachMetric.knownList))")
      v.text(name, "reach_names", required: true, max: Self.nameLength)
    }
    for (terms, field) in [(correspondenceSubjects, "correspondence_subjects"), (engagementKinds, "engagement_kinds")] {
      if terms.isEmpty { v.fail(field, "at least one is needed") }
      for term in terms {
        v.check(
          Self.isCode(term.code), field,
          "a code is 1 to 40 lower-case letters, digits or hyphens (got \"\(term.code)\")")
        v.text(term.title, field, required: true, max: Self.nameLength)
      }
      if Set(terms.map(\.code)).count != terms.count { v.fail(field, "each code may be given once") }
    }
    try v.throwIfAny()
  }
}
