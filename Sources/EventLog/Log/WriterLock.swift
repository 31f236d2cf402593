import Platform

/// The single-writer lock: a `PidLockFile` on `LOG/LOCK`, held for the writer's lifetime, so
/// that a second writer's error names the holder the same way the projection runner's lock does.
enum WriterLock {
    /// Takes the lock or throws `EventLogError.locked` naming the holder's pid and command.
    static func acquire(log: String, command: String) throws -> PidLockFile {
        do {
            return try PidLockFile.acquire(in: FileJail(root: log), name: LogFormat.lockFile, command: command)
        } catch let busy as PidLockFile.Busy {
            throw EventLogError.locked(log: log, holder: busy.holder.description)
        } catch {
            throw EventLogError.wrap(error)
        }
    }

    /// True when the lock file names a live process: a writer may be appending right now. (A
    /// writer that exits clears the name; one that crashed leaves a dead pid.) Takes no lock.
    static func isHeldByLiveProcess(log: String) -> Bool {
        guard let pid = PidLockFile.holder(path: log + "/" + LogFormat.lockFile).pid else { return false }
        return ProcessSignal.isAlive(pid)
    }
}
