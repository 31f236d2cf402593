import EventLog
import Replay

extension LogSource {
    /// Every saga of the configuration folded over the log as it is now (`SagaScan`: one read
    /// of the log, on the worker thread). No sagas in the configuration gives an empty list.
    func sagas() throws -> Message {
        guard !config.sagas.isEmpty else { return .sagasLoaded([]) }
        if !log.isWritable { _ = try log.refresh() }
        return .sagasLoaded(try SagaScan.run(config.sagas, log: log))
    }
}
