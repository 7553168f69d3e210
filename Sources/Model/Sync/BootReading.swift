import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A reading of the machine's monotonic clock: which boot, and milliseconds since it
/// (suspend included). Unlike the wall clock, nothing sets it: the difference of two readings
/// of one boot is the time that passed, however wrong the wall clock was meanwhile.
public struct BootReading: Sendable, Hashable {
  public var bootID: String
  public var millis: Int64

  public init(bootID: String, millis: Int64) {
    self.bootID = bootID
    self.millis = millis
  }

  /// The time from this reading to `later`, or `nil` when they are of different boots.
  public func age(at later: BootReading) -> Int64? {
    guard bootID == later.bootID, later.millis >= millis else { return nil }
    return later.millis - millis
  }

  /// This machine's clock now; `nil` where it cannot be read (then ages are unknown and the
  /// server falls back to correcting the wall clock reading).
  @Sendable public static func current() -> BootReading? {
    #if os(Linux)
      guard let bootID = systemBootID else { return nil }
      var time = timespec()
      guard clock_gettime(CLOCK_BOOTTIME, &time) == 0 else { return nil }
      return BootReading(bootID: bootID, millis: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    #else
      return nil
    #endif
  }

  /// The kernel's id of this boot, read once.
  private static let systemBootID: String? = {
    guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else { return nil }
    let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
    return id.isEmpty ? nil : id
  }()
}
