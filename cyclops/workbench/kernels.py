"""The workbench server's kernel manager: idle kernels of closed pages are culled within minutes, the preheated one is not.

Voila runs the analyst notebook in a spare kernel before anyone asks (``preheat_kernel``) and keeps it in a pool.
That kernel is idle and has no page, so plain culling would shut it down and Voila never refills an empty
pool: every later page would wait for a cold kernel. Kernels of pages that went away (a tab killed before
it could say goodbye, a lost network) are culled as usual. Runs inside the Voila server, never in a kernel.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager


class WorkbenchKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` whose culling spares the kernels waiting in Voila's preheated pool."""

    def waiting_in_pool(self, kernel_id: str) -> bool:
        """True for a preheated kernel no page has taken yet (Voila's pool: tasks giving ``{"kernel_id": ...}``)."""
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None \
                        and task.result().get("kernel_id") == kernel_id:
                    return True
        return False

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        if self.waiting_in_pool(kernel_id):
            return
        await super().cull_kernel_if_idle(kernel_id)
