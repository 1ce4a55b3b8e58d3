"use client";

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { FetchError } from "@/lib/http/fetch-json";
import { Toaster } from "@/components/ui/toast";
import { toast } from "@/components/ui/toast-store";

declare module "@tanstack/react-query" {
  interface Register {
    defaultError: Error;
    /** `showsErrorInline`: the component renders the error itself, so no toast. */
    mutationMeta: { showsErrorInline?: boolean };
    queryMeta: { showsErrorInline?: boolean };
  }
}

export type QueryProviderProps = { children: ReactNode };

/** The app's one QueryClient, with error toasts and no retries for 4xx answers. */
export function QueryProvider({ children }: QueryProviderProps) {
  const [client] = useState(createQueryClient);
  return (
    <QueryClientProvider client={client}>
      {children}
      <Toaster />
    </QueryClientProvider>
  );
}

function createQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!query.meta?.showsErrorInline) toast(errorMessage(error), "error");
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (!mutation.meta?.showsErrorInline) toast(errorMessage(error), "error");
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A 4xx will answer the same again; only network errors and 5xx are worth a retry.
        retry: (failureCount, error) => !(error instanceof FetchError && error.isClientError) && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}

function errorMessage(error: Error): string {
  if (error instanceof FetchError) return error.message;
  return "Something went wrong; please try again";
}
