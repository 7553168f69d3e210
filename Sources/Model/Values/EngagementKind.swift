/// What sort of engagement it was.
public struct EngagementKind: Code {
  public let rawValue: String
  public init(rawValue: String) { self.rawValue = rawValue }

  public static let parishCouncil = EngagementKind(rawValue: "parish-council")
  public static let communityGroup = EngagementKind(rawValue: "community-group")
  public static let fundedOrganisation = EngagementKind(rawValue: "funded-organisation")
  public static let publicMeeting = EngagementKind(rawValue: "public-meeting")
  public static let partnerMeeting = EngagementKind(rawValue: "partner-meeting")
  public static let school = EngagementKind(rawValue: "school")
  public static let event = EngagementKind(rawValue: "event")
  public static let media = EngagementKind(rawValue: "media")
  public static let other = EngagementKind(rawValue: "other")

  public static let known: [EngagementKind] = [
    .parishCouncil, .communityGroup, .fundedOrganisation, .publicMeeting, .partnerMeeting,
    .school, .event, .media, .other,
  ]
  public static let fieldName = "kind"
}
