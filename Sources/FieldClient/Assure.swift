import ArgumentParser

/// `assure`: the offline-first field client.
@main
struct Assure: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "assure",
    abstract: "Record community engagements offline and sync them with the Assure server.",
    discussion: """
      Engagements work without a connection: they are kept in a local SQLite file and queued \
      until `assure sync` reaches the server. Keeping the plan (`plan objective|element|milestone|\
      update|import|export`), `review`, `meeting` and `action`, the oversight records (`funding`, \
      `scrutiny`, `indicator`, `inspection`, `correspondence`, `reach`, `import`) and `report panel` \
      work on the server and need one.

      Environment: ASSURE_HOME (data folder, default ~/.local/share/assure), ASSURE_SERVER \
      (default 127.0.0.1:50051), ASSURE_USER (name recorded on changes, default $USER).

      Exit codes: 0 success; 1 other failure (e.g. no such engagement); 64 usage error; \
      65 invalid data (nothing was stored); 75 server unreachable (everything stays queued).
      """,
    subcommands: [
      EngagementCommand.self, SyncCommand.self, StatusCommand.self, PlanCommand.self, ReviewCommand.self,
      MeetingCommand.self, ActionCommand.self, ConflictsCommand.self, ReportCommand.self, FundingCommand.self,
      ScrutinyCommand.self, IndicatorCommand.self, InspectionCommand.self, CorrespondenceCommand.self,
      ReachCommand.self,
      ImportCommand.self, AreaCommand.self, ForceCommand.self, LoginCommand.self, LogoutCommand.self,
      WhoAmICommand.self,
    ])
}
